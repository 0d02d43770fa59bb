// The key quota limits the kernel applies, from /proc/sys/kernel/keys: maxkeys/maxbytes for every uid but
// root, root_maxkeys/root_maxbytes for uid 0 (security/keys/key.c key_alloc). /proc/key-users already
// prints the limit that applies to each uid; these say what a uid without keys yet would get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyLimits {
  maxkeys: number | null;
  maxbytes: number | null;
  rootMaxkeys: number | null;
  rootMaxbytes: number | null;
}

export function readKeyLimits(procRoot = '/proc'): KeyLimits {
  const read = (name: string): number | null => {
    try {
      const n = Number(readFileSync(join(procRoot, 'sys/kernel/keys', name), 'utf8').trim());
      return Number.isInteger(n) && n >= 0 ? n : null;
    } catch {
      return null;
    }
  };
  return { maxkeys: read('maxkeys'), maxbytes: read('maxbytes'), rootMaxkeys: read('root_maxkeys'), rootMaxbytes: read('root_maxbytes') };
}
