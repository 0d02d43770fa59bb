// One copy of each string that most keys repeat, in a snapshot that crossed threads.
//
// A structured clone copies every string it meets, and it met each key's type, flags and timeout column: at 40k
// keys the main thread held 40k copies each of "user", "I--Q---" and "perm" (121k of its 421k heap objects, 2.9 of
// its 23.8 MB), all of which every mark-compact of its heap visits, V8's memory reducer's pair after start-up among
// them (README "Live poll").

import type { KeyInfo } from '../../shared/snapshot';

/**
 * Makes the keys' `type`, `flags` and `timeout` strings one copy per distinct value. Only for keys that no one else
 * holds yet (a clone just received): keys are never modified once handed on.
 */
export function shareRepeatedStrings(keys: readonly KeyInfo[]): void {
  const kept = new Map<string, string>();
  const one = (s: string): string => {
    const first = kept.get(s);
    if (first !== undefined) return first;
    kept.set(s, s);
    return s;
  };
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as KeyInfo;
    key.type = one(key.type);
    key.flags = one(key.flags);
    key.timeout = one(key.timeout);
  }
}
