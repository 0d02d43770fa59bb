// "This process only": the tree model narrowed to the keys this process reaches from its anchors (the
// `reachable` set of shared/reachability.ts, which the model already holds), for the views that filter:
// the tree, search, the graph and exports. Kernel-held keyrings, other sessions' keyrings and other users'
// keys go; the details panel and the actions keep the whole model (a key's parents are facts, not a view).
// Pure and memoised per model: a new snapshot gives a new narrowed model, nothing else does.
import type { KeyInfo } from '../../../shared/snapshot';
import { NO_PROBABLE_CACHES } from '../../../shared/krb5Orphans';
import { shareStructure, structureOf, type TreeModel } from './model';

const narrowed = new WeakMap<TreeModel, TreeModel>();
const narrowedStructures = new WeakMap<object, object>();

export function processOnlyModel(model: TreeModel): TreeModel {
  let out = narrowed.get(model);
  if (out) return out;
  const { reachable } = model;
  const keys = new Map<number, KeyInfo>();
  // forEach over every key, not for…of: cold code (see shared/reachability.ts's parentsOf).
  reachable.forEach((id) => {
    const k = model.keys.get(id);
    if (k) keys.set(id, k);
  });
  // Every member of a reachable keyring is reachable, so only the parents need narrowing: a reachable
  // key linked from another session's keyring too is shown, and searched, under this process's only.
  const parents = new Map<number, readonly number[]>();
  keys.forEach((_, id) => {
    const list = model.parents.get(id);
    if (!list) return;
    const mine = list.filter((p) => reachable.has(p));
    if (mine.length) parents.set(id, mine.length === list.length ? list : mine);
  });
  // The caches inferred under an unreadable collection are not reachable keys: left out with the orphans.
  out = { ...model, keys, parents, kernelRoots: [], orphanRoots: [], users: [], probable: NO_PROBABLE_CACHES };
  narrowed.set(model, out);
  // Narrowing models of one structure gives models of one structure.
  const token = structureOf(model);
  let narrowedToken = narrowedStructures.get(token);
  if (narrowedToken === undefined) narrowedStructures.set(token, (narrowedToken = {}));
  shareStructure(out, narrowedToken);
  return out;
}

/** How many keys "This process only" leaves out of `model`. */
export function keysOutsideProcess(model: TreeModel): number {
  return model.keys.size - processOnlyModel(model).keys.size;
}
