// Credential caches whose collection this process may not read. krb5's persistent collection `_krb` (in
// `_persistent.N`, which nothing of this process links until KEYCTL_GET_PERSISTENT) grants read to its
// possessor only, so its member list is unknown, and the cache keyrings it holds, which /proc/keys still
// lists, look like orphans: no keyring this process can read links them. This says where they probably
// are, and on what evidence, without presenting it as fact (the kernel does not say who links a key):
//  - the cache is a keyring named as krb5 names the caches it makes (`krb_ccache_XXXXXXX`), or one whose
//    readable members include `__krb5_princ__` (every cache holds its principal);
//  - no visible keyring links it, yet the kernel counts references to it (its usage): something holds it;
//  - its owner has exactly one Kerberos collection whose members this process cannot read. With two or
//    more, which one holds it is a guess, so nothing is grouped.
// Pure: keys and their visible parents in, a map out.
import { formatKeyId } from './keyIds';
import { isCollection, UNIQUE_CACHE } from './keyRoles';
import { anyParentIn } from './parentIndex';
import type { KeyInfo } from './snapshot';
import { counted } from './text';

export interface ProbableCache {
  /** The unreadable collection that probably links it. */
  collection: number;
  /** The evidence, in one sentence. */
  why: string;
}

export interface ProbableCaches {
  /** collection id → the caches it probably holds, by id. */
  byCollection: ReadonlyMap<number, readonly number[]>;
  /** cache id → where it probably is, and why. */
  byCache: ReadonlyMap<number, ProbableCache>;
}

/** None: for a view that leaves the unreachable keys out (the tree's "This process only"). */
export const NO_PROBABLE_CACHES: ProbableCaches = { byCollection: new Map(), byCache: new Map() };

const looksLikeCache = (k: KeyInfo, keys: ReadonlyMap<number, KeyInfo>): 'name' | 'principal' | null => {
  if (k.type !== 'keyring' || isCollection(k)) return null;
  if (UNIQUE_CACHE.test(k.description)) return 'name';
  return k.links?.some((m) => keys.get(m)?.description === '__krb5_princ__') ? 'principal' : null;
};

export function probableCaches(keys: ReadonlyMap<number, KeyInfo>, parents: ReadonlyMap<number, readonly number[]>): ProbableCaches {
  const unreadableByUid = new Map<number, KeyInfo[]>();
  // forEach, not for…of: once per snapshot, cold, over every key (see shared/reachability.ts's parentsOf).
  keys.forEach((k) => {
    if (k.links != null || !isCollection(k)) return;
    const list = unreadableByUid.get(k.uid);
    if (list) list.push(k);
    else unreadableByUid.set(k.uid, [k]);
  });
  const byCollection = new Map<number, number[]>();
  const byCache = new Map<number, ProbableCache>();
  if (unreadableByUid.size === 0) return { byCollection, byCache };
  keys.forEach((k) => {
    const candidates = unreadableByUid.get(k.uid);
    if (candidates?.length !== 1 || k.usage < 1) return;
    if (anyParentIn(parents, k.id, keys)) return;
    const evidence = looksLikeCache(k, keys);
    if (evidence === null) return;
    const collection = candidates[0] as KeyInfo;
    const named = evidence === 'name' ? 'named as krb5 names the caches it makes (krb_ccache_ and 7 characters)' : 'holding a __krb5_princ__ key, as every krb5 cache does';
    const refs = counted(k.usage, 'reference');
    byCache.set(k.id, {
      collection: collection.id,
      why:
        `Probably a credential cache in ${collection.description} (${formatKeyId(collection.id)}), which this process may not read: ` +
        `it is a keyring ${named}, owned by uid ${k.uid} as ${collection.description} is, and the kernel counts ${refs} to it that no keyring this process can read explains; ` +
        `${collection.description} is uid ${k.uid}'s only Kerberos collection whose members are unknown. Inferred, not read: the kernel does not say which keyring links a key.`,
    });
    const list = byCollection.get(collection.id);
    if (list) list.push(k.id);
    else byCollection.set(collection.id, [k.id]);
  });
  return { byCollection, byCache };
}
