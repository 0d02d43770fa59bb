// The keyring graph as the tree view needs it: who links whom, what is reachable from the
// process's anchors, and which unreachable keys start the "kernel-held" and "orphan" sections
// (shared/reachability.ts, which the engine and the command line's tree use too).
// Pure and memoised per key map: a new snapshot (a new Map) gives a new model, nothing else does.
// The parts that only the sections below the first screen need (what the anchors reach, the kernel-held and
// unreachable roots, the Users section) are worked out when first read (sectionsReady): the tree's first render
// draws the anchors' rows without them, and whatever reads them gets them complete.
import { ANCHOR_ORDER, type AnchorName, type Anchors, type KeyInfo, type QuotaInfo, type ScanScope } from '../../../shared/snapshot';
import { parentCount } from '../../../shared/parentIndex';
import { graphRoots, parentsOf } from '../../../shared/reachability';
import { groupKeysByUser, userGroupMembers, type UserGroup } from '../../../shared/userGroups';
import { probableCaches, type ProbableCaches } from '../../../shared/krb5Orphans';
import { keyMapDifference } from '../store/keyMap';

export interface TreeModel {
  keys: ReadonlyMap<number, KeyInfo>;
  anchors: Anchors;
  /** member id → ids of the visible keyrings that link it, in key-id order of discovery. */
  parents: ReadonlyMap<number, readonly number[]>;
  /** Keys reachable from at least one anchor. This and the next three: worked out when first read (buildTreeModel). */
  reachable: ReadonlySet<number>;
  /** Unreachable keyrings with no visible parent (`.user_reg`, `.dns_resolver`, …), by description. */
  kernelRoots: readonly number[];
  /** Unreachable keys with no visible parent that are not kernel-held keyrings, nor in a user's group. */
  orphanRoots: readonly number[];
  /** The Users section (shared/userGroups.ts): empty when the snapshot shows no other user's keys. */
  users: readonly UserGroup[];
  /**
   * Credential caches shown under the unreadable krb5 collection that probably holds them, marked as inferred
   * (shared/krb5Orphans.ts), instead of among the orphans.
   */
  probable: ProbableCaches;
}

/** What the Users section needs beyond keys and anchors (a snapshot's meta). */
export interface UsersContext {
  quotas: readonly QuotaInfo[];
  scope?: ScanScope;
  /** The observing process's real uid. */
  uid: number;
}

export const isKeyring = (k: KeyInfo | undefined): boolean => k?.type === 'keyring';

/** The model's parts that only the sections below the anchors need. */
type Sections = Pick<TreeModel, 'reachable' | 'kernelRoots' | 'orphanRoots' | 'users'>;
const SECTION_FIELDS = ['reachable', 'kernelRoots', 'orphanRoots', 'users'] as const;

/**
 * The model of `keys`. Its parents and the krb5 inference (which the anchors' own rows may show: an unreadable
 * collection's inferred caches) are worked out now; the walks from the anchors and from the other roots and the
 * Users pass (at 40k keys about a third of the model's cost, none of it needed by the first screen's rows) when
 * one of their fields is first read, or when completeSections asks.
 */
export function buildTreeModel(keys: ReadonlyMap<number, KeyInfo>, anchors: Anchors, context?: UsersContext): TreeModel {
  const parents = parentsOf(keys);
  const probable = probableCaches(keys, parents);
  return withLazySections({ keys, anchors, parents, probable }, () => {
    const { reachable, kernelRoots, orphanRoots: unreachableRoots } = graphRoots(keys, anchors, parents);
    const users = context ? groupKeysByUser({ keys, parents, anchors, quotas: context.quotas, uid: context.uid, ...(context.scope ? { scope: context.scope } : {}) }) : [];
    // A root a user's group shows is not repeated among the orphans.
    const inUsers = new Set(users.flatMap(userGroupMembers));
    const orphanRoots = unreachableRoots.filter((r) => !inUsers.has(r) && !probable.byCache.has(r));
    return { reachable, kernelRoots, orphanRoots, users };
  });
}

const pendingSections = new WeakMap<TreeModel, { work: () => Sections; listeners: (() => void)[] }>();

/**
 * `base` with the Sections fields as getters that run `work` once, on the first read of any of them, and then
 * hold its result as plain fields (so a spread or a comparison of the model reads them complete).
 */
function withLazySections(base: Omit<TreeModel, keyof Sections>, work: () => Sections): TreeModel {
  const model = base as TreeModel;
  for (const field of SECTION_FIELDS) {
    Object.defineProperty(model, field, { configurable: true, enumerable: true, get: () => completeSections(model)[field] });
  }
  pendingSections.set(model, { work, listeners: [] });
  return model;
}

/** Whether `model`'s sections below the anchors have been worked out (always, for a model not made lazily). */
export function sectionsReady(model: TreeModel): boolean {
  return !pendingSections.has(model);
}

/** Works out `model`'s sections below the anchors now, if they are not yet; returns the model. */
export function completeSections(model: TreeModel): TreeModel {
  const pending = pendingSections.get(model);
  if (pending === undefined) return model;
  pendingSections.delete(model);
  const sections = pending.work();
  for (const field of SECTION_FIELDS) Object.defineProperty(model, field, { configurable: true, enumerable: true, writable: false, value: sections[field] });
  // In a microtask: a read during some component's render must not update another component in that render.
  if (pending.listeners.length > 0) queueMicrotask(() => pending.listeners.forEach((l) => l()));
  return model;
}

/** Calls `listener` once `model`'s sections are worked out (by whichever reader comes first); returns the unsubscribe. */
export function onSectionsReady(model: TreeModel, listener: () => void): () => void {
  const pending = pendingSections.get(model);
  if (pending === undefined) return () => {};
  pending.listeners.push(listener);
  return () => {
    const at = pending.listeners.indexOf(listener);
    if (at >= 0) pending.listeners.splice(at, 1);
  };
}

/** What a model is built from: a key's links, type, description and owner (and, for a key no visible keyring
 * links, its usage: the krb5 inference cites it). Anything else a delta changes leaves the model's structure. */
function sameStructure(a: KeyInfo, b: KeyInfo, linked: boolean): boolean {
  if (a.type !== b.type || a.description !== b.description || a.uid !== b.uid || (!linked && a.usage !== b.usage)) return false;
  const x = a.links;
  const y = b.links;
  if (x === y) return true;
  if (!x || !y || x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const refreshedModels = new WeakMap<TreeModel, TreeModel>();

/**
 * The model of `keys` when they hold the same keys as `prev`'s and differ only in what the model does not depend
 * on (permissions, flags, usage, timeouts, pins: what most deltas change): `prev`'s structure with the new key
 * objects, at the cost of one walk; null when the structure may differ (build the model anew).
 */
export function withChangedKeys(prev: TreeModel, keys: ReadonlyMap<number, KeyInfo>): TreeModel | null {
  if (keys.size !== prev.keys.size) return null;
  const differ = (id: number, k: KeyInfo | undefined): boolean => {
    const old = prev.keys.get(id);
    if (old === k) return false;
    return old === undefined || k === undefined || !sameStructure(old, k, parentCount(prev.parents, id) > 0);
  };
  // The store's maps say which entries a delta touched (store/keyMap.ts): only those need a look.
  const touched = keyMapDifference(prev.keys, keys);
  if (touched) {
    for (const id of touched) if (differ(id, keys.get(id))) return null;
  } else {
    for (const [id, k] of keys) if (differ(id, k)) return null;
  }
  // The same structure: prev's sections, worked out only when one of the two models is asked for them.
  const model = sectionsReady(prev) ? { ...prev, keys } : withLazySections({ keys, anchors: prev.anchors, parents: prev.parents, probable: prev.probable }, () => completeSections(prev));
  refreshedModels.set(model, prev);
  // Only the newest link is asked for: dropping the older one lets each older model (and its keys) go.
  refreshedModels.delete(prev);
  structures.set(model, structureOf(prev));
  return model;
}

const structures = new WeakMap<TreeModel, object>();

/**
 * A token a model shares with every model withChangedKeys made from it (or from one of those): what depends
 * only on the structure (links, types, descriptions, owners), such as key roles and the search index, is kept
 * per token and outlives the deltas that change nothing else.
 */
export function structureOf(model: TreeModel): object {
  let token = structures.get(model);
  if (token === undefined) structures.set(model, (token = {}));
  return token;
}

/** Gives `model` the structure token `token` (a view derived from models of one structure, e.g. "This process only"). */
export function shareStructure(model: TreeModel, token: object): void {
  structures.set(model, token);
}

/** The model `model` was made from by withChangedKeys (its structure is that one's), if it was. */
export function refreshedFrom(model: TreeModel): TreeModel | undefined {
  return refreshedModels.get(model);
}

const withInferred = new WeakMap<TreeModel, ReadonlyMap<number, readonly number[]>>();

/**
 * The parents the tree draws: the visible links, plus the unreadable collection an inferred cache is shown
 * under (so a search reveals it there). The model's own `parents` stay the links the kernel showed.
 */
export function drawnParents(model: TreeModel): ReadonlyMap<number, readonly number[]> {
  if (model.probable.byCache.size === 0) return model.parents;
  let out = withInferred.get(model);
  if (!out) {
    const map = new Map(model.parents);
    for (const [cache, { collection }] of model.probable.byCache) map.set(cache, [...(map.get(cache) ?? []), collection]);
    withInferred.set(model, (out = map));
  }
  return out;
}

/** Names of the anchors a key is, in search order (a keyring can be, say, both session and user-session). */
export function anchorNamesOf(anchors: Anchors, id: number): AnchorName[] {
  return ANCHOR_ORDER.filter((n) => anchors[n] === id);
}

export const ANCHOR_LABELS: Record<AnchorName, string> = {
  thread: 'Thread keyring',
  process: 'Process keyring',
  session: 'Session keyring',
  userSession: 'User session keyring',
  user: 'User keyring',
  persistent: 'Persistent keyring',
};

/** A user node's row id. */
export const userRowId = (uid: number): string => `u:${uid}`;

/**
 * A path from a root row to one row showing `id`, as the row id the flattened tree uses, or null when
 * the key is not in the tree. Prefers the first anchor in search order, then a user's group, then
 * kernel-held, then orphans.
 */
export function findRowPath(model: TreeModel, id: number): string[] | null {
  if (!model.keys.has(id)) return null;
  // key id → the rows from the top down to the root row showing it (a user's key sits under its user node), for the
  // anchors and the users' groups; the kernel-held and unreachable roots are looked up only for the keys on the way
  // up from `id`. A map of every root was made per call: on a shared machine tens of thousands (other sessions'
  // keys, whose keyrings this user may view but not read), once per tree structure while a key is selected.
  const rootRowOf = new Map<number, string[]>();
  for (const name of ANCHOR_ORDER) {
    const a = model.anchors[name];
    if (a != null && model.keys.has(a) && !rootRowOf.has(a)) rootRowOf.set(a, [`a:${name}`]);
  }
  for (const g of model.users) {
    const user = userRowId(g.uid);
    for (const m of userGroupMembers(g)) if (!rootRowOf.has(m)) rootRowOf.set(m, [user, `${user}/${m}`]);
  }
  const order = [...rootRowOf.keys()];
  /** Where the root row showing `n` comes in the tree (anchors, users, kernel-held, unreachable), or -1. */
  const rankOf = (n: number): number => {
    const early = order.indexOf(n);
    if (early >= 0) return early;
    const kernel = model.kernelRoots.indexOf(n);
    if (kernel >= 0) return order.length + kernel;
    const orphan = model.orphanRoots.indexOf(n);
    return orphan >= 0 ? order.length + model.kernelRoots.length + orphan : -1;
  };
  const rowsOf = (n: number): string[] => rootRowOf.get(n) ?? [model.kernelRoots.includes(n) ? `k:${n}` : `o:${n}`];

  // Breadth-first upwards so the shortest path wins; then prefer the earlier root.
  const next = new Map<number, number>(); // node → child on the way back down to `id`
  let frontier = [id];
  const seen = new Set([id]);
  while (frontier.length) {
    const hits = frontier.map((n) => [n, rankOf(n)] as const).filter(([, rank]) => rank >= 0);
    if (hits.length) {
      hits.sort((a, b) => a[1] - b[1]);
      let node = hits[0]![0];
      const path = [...rowsOf(node)];
      while (node !== id) {
        node = next.get(node)!;
        path.push(`${path[path.length - 1]}/${node}`);
      }
      return path;
    }
    const nextFrontier: number[] = [];
    for (const n of frontier) {
      const inferred = model.probable.byCache.get(n)?.collection;
      for (const p of model.parents.get(n) ?? (inferred === undefined ? [] : [inferred])) {
        if (seen.has(p) || !model.keys.has(p)) continue;
        seen.add(p);
        next.set(p, n);
        nextFrontier.push(p);
      }
    }
    frontier = nextFrontier;
  }
  return null;
}
