// The search index of a tree model: each key's id and its text as search matches it (description and type,
// then its role's label and terms, lower-cased, one per line), in the model's key order. Built once per
// structure (tree/model.ts structureOf): a delta that changes no link, type, description or owner keeps it,
// and a keystroke then costs one substring test per key. Working out 40k keys' roles takes a while, so the
// app builds the index in idle time once a structure appears (warmSearchIndex), in slices that leave the
// frames alone; a search that comes first finishes it at once. The same build tells, per keyring, whether it holds
// only leaves (flatten.ts onlyLeaves), which the walk of a broad search would otherwise look at member by member.
import { drawnParents, structureOf, type TreeModel } from './model';
import { membersIn, onlyLeaves } from './flatten';
import { roleText } from './roles';
import { parseQuery, runSearch, withAncestors, type SearchResult } from './search';
import { keyRole, roleSearchText, type KeyRole } from '../../../shared/keyRoles';
import type { KeyInfo } from '../../../shared/snapshot';

/** A role's search words, once per kind of role. */
const wordsByRole = new Map<string, string>();
function roleWords(role: KeyRole): string {
  let words = wordsByRole.get(role.id);
  if (words === undefined) wordsByRole.set(role.id, (words = roleSearchText(role)));
  return words;
}

interface IndexBuild {
  ids: number[];
  texts: string[];
  /**
   * The model being indexed, its keys in the model's order (listed by the first slice, not when the build is
   * asked for, which is in the first render's commit) and how many are in; null once every key is.
   */
  rest: { model: TreeModel; keys: KeyInfo[] | null; next: number } | null;
  /** Time spent building so far, for the bench. */
  ms: number;
}

const builds = new WeakMap<object, IndexBuild>();
let lastBuiltMs: number | null = null;

function buildOf(model: TreeModel): IndexBuild {
  const token = structureOf(model);
  let b = builds.get(token);
  if (b === undefined) builds.set(token, (b = { ids: [], texts: [], rest: { model, keys: null, next: 0 }, ms: 0 }));
  return b;
}

/** The model's keys as an array, by forEach: stepping the map's iterator from cold code made an object per key. */
function keysInOrder(model: TreeModel): KeyInfo[] {
  const out: KeyInfo[] = [];
  model.keys.forEach((k) => {
    out.push(k);
  });
  return out;
}

/** Indexes keys until `stop()` says so (asked every 64 keys); true when the index is complete. */
function advance(b: IndexBuild, stop: () => boolean): boolean {
  const rest = b.rest;
  if (rest === null) return true;
  const started = performance.now();
  try {
    const keys = (rest.keys ??= keysInOrder(rest.model));
    // Work since stop() was last asked: a key each, and a keyring's members each.
    let work = 0;
    for (;;) {
      if (rest.next === keys.length) {
        b.rest = null;
        lastBuiltMs = b.ms + (performance.now() - started);
        return true;
      }
      const k = keys[rest.next++]!;
      // What haystackOf and roleText give, without caching either per key: the index is their cache. Lower-cased
      // whole (role words are already lower case): a joined string is a rope, which the first search's
      // includes() would have to flatten, 40k of them in the keystroke (~20 ms); toLowerCase makes it flat here.
      const role = keyRole(k, rest.model);
      const text = `${k.description}\n${k.type}`;
      b.ids.push(k.id);
      b.texts.push((role === null ? text : `${text}\n${roleWords(role)}`).toLowerCase());
      // Whether a keyring holds only leaves, which the search's walk asks of each keyring it opens (flatten.ts).
      const members = membersIn(rest.model, k).length;
      if (members > 0) onlyLeaves(rest.model, k);
      work += 1 + members;
      if (work >= 64) {
        work = 0;
        if (stop()) return false;
      }
    }
  } finally {
    b.ms += performance.now() - started;
  }
}

/** The complete index of `model`'s structure (finished here if idle time has not done it yet). */
export function searchIndexOf(model: TreeModel): { ids: readonly number[]; texts: readonly string[] } {
  const b = buildOf(model);
  advance(b, () => false);
  return b;
}

/**
 * What runSearch(model.keys, drawnParents(model), query, id => roleText(model, id)) gives, from the index.
 * (A query with a line break in it, which the search box cannot hold, or an exact `0x…` id, is answered by
 * runSearch itself: the index's lines would let the first span two fields.)
 */
export function searchModel(model: TreeModel, query: string): SearchResult | null {
  const parsed = parseQuery(query);
  if (!parsed) return null;
  const parents = drawnParents(model);
  if (parsed.exactId !== null || parsed.text.includes('\n')) return runSearch(model.keys, parents, query, (id) => roleText(model, id));
  const { text, ids } = parsed;
  const index = searchIndexOf(model);
  const matches = new Set<number>();
  const byId = ids.size > 0; // most queries name no id: then no lookup per key
  for (let i = 0; i < index.ids.length; i++) {
    if ((byId && ids.has(index.ids[i]!)) || index.texts[i]!.includes(text)) matches.add(index.ids[i]!);
  }
  return withAncestors(query, matches, parents);
}

interface IdleDeadline {
  timeRemaining(): number;
}
type IdleScheduler = (cb: (deadline: IdleDeadline) => void) => () => void;

const idle: IdleScheduler = (cb) => {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(cb);
    return () => cancelIdleCallback(handle);
  }
  // Without requestIdleCallback: 8 ms slices, 50 ms apart.
  const handle = setTimeout(() => {
    const started = performance.now();
    cb({ timeRemaining: () => Math.max(0, 8 - (performance.now() - started)) });
  }, 50);
  return () => clearTimeout(handle);
};

/**
 * The most one idle slice takes. Chromium's idle period runs to the next frame's deadline, and up to 50 ms when
 * no frame is due: a slice that used it all held back whatever arrived meanwhile (a delta, a keystroke) until it
 * ended. A trace at 40k keys showed slices of 27 and 37 ms allotted right after the first render.
 */
export const IDLE_SLICE_MS = 4;

/** Builds `model`'s index in idle time, a slice of at most IDLE_SLICE_MS per idle period; returns a function that stops it. */
export function warmSearchIndex(model: TreeModel, schedule: IdleScheduler = idle, now: () => number = () => performance.now()): () => void {
  const b = buildOf(model);
  let cancel: (() => void) | null = null;
  const slice = (deadline: IdleDeadline) => {
    const end = now() + IDLE_SLICE_MS;
    cancel = advance(b, () => deadline.timeRemaining() < 1 || now() >= end) ? null : schedule(slice);
  };
  if (b.rest !== null) cancel = schedule(slice);
  return () => cancel?.();
}

/** How long the last complete index took to build, in ms of the page's time (for `npm run bench`). */
export function lastSearchIndexBuildMs(): number | null {
  return lastBuiltMs;
}
