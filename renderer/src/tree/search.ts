// Search: which keys a query matches, and which keyrings must open to reveal them.
// runSearch is the definition, over any keys; searchModel answers the same for a tree model from its search
// index (searchIndex.ts: each key's text lower-cased once per structure, its role's words included), so a
// keystroke at 40k keys costs one pass of substring tests.
import type { KeyInfo } from '../../../shared/snapshot';
import { forEachParent } from '../../../shared/parentIndex';

export interface SearchResult {
  query: string;
  /** Keys the query matches. */
  matches: ReadonlySet<number>;
  /** Keyrings on some path to a match (excluding matches that are only matches). */
  ancestors: ReadonlySet<number>;
}

/** A query as search reads it: lower-case text, or the one id `0x…` names; a bare number may also be an id. */
export interface ParsedQuery {
  text: string;
  /** `0x…`: this id and nothing else. */
  exactId: number | null;
  /** A bare number read as decimal and, when it can be, as hex (as /proc/keys prints ids). */
  ids: ReadonlySet<number>;
}

export function parseQuery(raw: string): ParsedQuery | null {
  const text = raw.trim().toLowerCase();
  if (!text) return null;
  const hex = /^0x([0-9a-f]{1,8})$/.exec(text);
  if (hex) return { text, exactId: parseInt(hex[1]!, 16), ids: new Set() };
  const ids = new Set<number>();
  if (/^[0-9]{1,10}$/.test(text)) ids.add(Number(text));
  if (/^[0-9a-f]{1,8}$/.test(text)) ids.add(parseInt(text, 16));
  return { text, exactId: null, ids };
}

/** Lower-cased "description\ntype" per key, kept while the key object lives (keys are replaced, never mutated). */
const haystacks = new WeakMap<KeyInfo, string>();
export function haystackOf(k: KeyInfo): string {
  let h = haystacks.get(k);
  if (h === undefined) {
    h = `${k.description}\n${k.type}`.toLowerCase();
    haystacks.set(k, h);
  }
  return h;
}

/**
 * A query matches a key when it is the key's id (decimal, or hex with or without `0x`, as /proc/keys
 * prints it), a case-insensitive substring of its description or type, or of its role's label and terms
 * ("ticket", "credential cache": shared/keyRoles.ts).
 */
export function compileQuery(raw: string): ((k: KeyInfo, roleText?: string) => boolean) | null {
  const parsed = parseQuery(raw);
  if (!parsed) return null;
  const { text: q, exactId, ids } = parsed;
  if (exactId !== null) return (k) => k.id === exactId;
  // A newline cannot be typed into the search box, so a match never spans description and type.
  return (k, roleText = '') => ids.has(k.id) || haystackOf(k).includes(q) || roleText.includes(q);
}

export function runSearch(
  keys: ReadonlyMap<number, KeyInfo>,
  parents: ReadonlyMap<number, readonly number[]>,
  query: string,
  roleText: (id: number) => string = () => '',
): SearchResult | null {
  const test = compileQuery(query);
  if (!test) return null;
  const matches = new Set<number>();
  for (const k of keys.values()) if (test(k, roleText(k.id))) matches.add(k.id);
  return withAncestors(query, matches, parents);
}

/** The result for `matches`: with every keyring on a path to one of them. */
export function withAncestors(query: string, matches: Set<number>, parents: ReadonlyMap<number, readonly number[]>): SearchResult {
  const ancestors = new Set<number>();
  // Only the keyrings found go on the stack: a broad search has thousands of matches, mostly in the same few keyrings.
  const stack: number[] = [];
  // By index, not for…of: a broad search climbs from each of thousands of matches, in cold code.
  const reach = (p: number) => {
    if (!ancestors.has(p)) {
      ancestors.add(p);
      stack.push(p);
    }
  };
  // forEachParent, not get(): a ParentIndex's get makes an array per call, one per match (10.7k for "bench:3" at 40k keys).
  const climb = (id: number) => forEachParent(parents, id, reach);
  matches.forEach(climb);
  while (stack.length) climb(stack.pop()!);
  return { query, matches, ancestors };
}
