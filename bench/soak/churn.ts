// The soak's churn, run as its own process (`node dist/bench/soak/churn.js <root keyring> <ms> <rate>`):
// changes keys of every kind under the root keyring as fast as asked, while serve polls them. It inherits
// the soak's session keyring (so serve, started by the same parent, sees everything it makes). Prints one
// JSON line at the end: how many changes it made of each kind, and the failures it did not expect.
import * as keyctl from '../../electron/keyring/keyctl';

/** Keys under the root at most: the final key-by-key comparison with keyctl(1) spawns one process per key. */
const MAX_KEYS = 150;
/** Short timeouts only before this point of the run, so that none expires while the result is compared. */
const SHORT_TIMEOUTS_UNTIL = 0.7;

interface Node {
  id: number;
  ring: boolean;
}

export function churn(root: number, durationMs: number, ratePerSecond: number): { made: Record<string, number>; unexpected: string[] } {
  const rings: number[] = [root];
  const keys: Node[] = [];
  const made: Record<string, number> = {};
  const unexpected: string[] = [];
  let seed = 12345;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const started = Date.now();
  let n = 0;
  let changes = 0;

  const forget = (id: number): void => {
    const at = keys.findIndex((k) => k.id === id);
    if (at !== -1) keys.splice(at, 1);
    const r = rings.indexOf(id);
    if (r > 0) rings.splice(r, 1);
  };
  /** What is really under the root now (clear, unlink and the collector take keys away behind our back). */
  const rescan = (): void => {
    const seen = new Set<number>([root]);
    const queue = [root];
    keys.length = 0;
    rings.length = 0;
    rings.push(root);
    while (queue.length > 0) {
      const ring = queue.shift()!;
      let members: number[];
      try {
        members = keyctl.readKeyringMembers(ring);
      } catch {
        continue;
      }
      for (const id of members) {
        if (seen.has(id)) continue;
        seen.add(id);
        try {
          const isRing = keyctl.describe(id).type === 'keyring';
          keys.push({ id, ring: isRing });
          if (isRing) {
            rings.push(id);
            queue.push(id);
          }
        } catch {
          // Revoked or expired: nothing more can be done to it.
        }
      }
    }
  };

  const ops: [string, number, () => void][] = [
    ['add', 6, () => keys.push({ id: keyctl.addKey('user', `soak-${n}`, Buffer.from(`value ${n}`), pick(rings)), ring: false })],
    [
      'keyring',
      1,
      () => {
        const id = keyctl.addKey('keyring', `soak-ring-${n}`, null, pick(rings));
        rings.push(id);
        keys.push({ id, ring: true });
      },
    ],
    [
      'update',
      4,
      () => {
        const plain = keys.filter((k) => !k.ring);
        if (plain.length === 0) return void keys.push({ id: keyctl.addKey('user', `soak-${n}`, Buffer.from(`value ${n}`), pick(rings)), ring: false });
        keyctl.update(pick(plain).id, Buffer.from(`updated ${n}`));
      },
    ],
    ['link', 3, () => keyctl.link(pick(keys).id, pick(rings))],
    ['unlink', 2, () => keyctl.unlink(pick(keys).id, pick(rings))],
    ['move', 2, () => keyctl.move(pick(keys).id, pick(rings), pick(rings))],
    ['revoke', 1, () => keyctl.revoke(pick(keys).id)],
    [
      'invalidate',
      1,
      () => {
        const k = pick(keys);
        keyctl.invalidate(k.id);
        forget(k.id);
      },
    ],
    ['setperm', 3, () => keyctl.setPerm(pick(keys).id, pick([0x3f3f0000, 0x3f010000, 0x3f1f0000, 0x3f3f3f00]))],
    [
      'timeout',
      2,
      () => {
        const short = Date.now() - started < durationMs * SHORT_TIMEOUTS_UNTIL;
        keyctl.setTimeout(pick(keys).id, short ? pick([1, 2, 3600]) : pick([3600, 7200, 0]));
      },
    ],
    [
      'clear',
      1,
      () => {
        const ring = pick(rings.slice(1).length ? rings.slice(1) : rings);
        keyctl.clear(ring);
      },
    ],
  ];
  const weighted = ops.flatMap((op) => Array.from({ length: op[1] }, () => op));

  const intervalMs = 1000 / ratePerSecond;
  while (Date.now() - started < durationMs) {
    // Paced on changes made (refusals do not count): the k-th is due at k × interval; a burst catches up.
    const due = started + changes * intervalMs;
    if (Date.now() < due) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, due - Date.now()));
      continue;
    }
    n++;
    if (n % 100 === 0) rescan();
    let op = pick(weighted);
    if (keys.length >= MAX_KEYS && (op[0] === 'add' || op[0] === 'keyring')) op = ops.find((o) => o[0] === 'invalidate')!;
    if (keys.length === 0 && op[0] !== 'add' && op[0] !== 'keyring') op = ops[0]!;
    try {
      op[2]();
      made[op[0]] = (made[op[0]] ?? 0) + 1;
      changes++;
    } catch (err) {
      // Churn on purpose hits keys that are revoked, expired, collected, already linked or not linked there:
      // those answers are part of the game. Anything else is a failure.
      const code = (err as { code?: string }).code ?? '';
      if (['EKEYREVOKED', 'EKEYEXPIRED', 'ENOKEY', 'ENOENT', 'EEXIST', 'EDEADLK', 'EACCES', 'ELOOP', 'EINVAL', 'EOPNOTSUPP', 'EDQUOT'].includes(code)) {
        made.refused = (made.refused ?? 0) + 1;
        if (code === 'EKEYREVOKED' || code === 'EKEYEXPIRED' || code === 'ENOKEY') rescan();
      } else {
        unexpected.push(`${op[0]}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return { made, unexpected: unexpected.slice(0, 20) };
}

if (require.main === module) {
  const [root, ms, rate] = process.argv.slice(2).map(Number);
  const result = churn(root!, ms!, rate!);
  process.stdout.write(JSON.stringify(result) + '\n');
}
