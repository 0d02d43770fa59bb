// The flood's churn, run as its own process (`node dist/bench/flood/churn.js <ring ids, comma-separated> <changes/s>
// <burst keys>`): changes the keys in the given keyrings as fast as asked until it is stopped (SIGTERM), as another
// session's bench or service does on a shared machine. Every 100 ms a tenth of the rate: a third of it keys added,
// a third removed, a third changed (a payload updated, which changes the key's /proc/keys line); every other second
// a burst: a keyring of `burst keys` keys is added, or the last one cleared and unlinked (a big delta each way).
// It inherits its parent's session keyring, so a serve started by the same parent sees everything it makes.
// A burst's keys sit in parts of fewer links than make a keyring's 16-bit charge wrap (shared/quotaCharge.ts):
// one 20,000-key keyring, cleared, left 65,536 bytes charged to root until reboot, every other burst.
import { linksBeforeWrap } from '../../shared/quotaCharge';
import * as keyctl from '../../electron/keyring/keyctl';

const TICK_MS = 100;
const BURST_EVERY_MS = 2000;

export function startChurn(rings: readonly number[], perSecond: number, burstKeys: number): () => Record<string, number> {
  const made: Record<string, number> = { added: 0, removed: 0, changed: 0, bursts: 0 };
  const live: { id: number; ring: number }[] = [];
  for (const ring of rings) for (const id of keyctl.readKeyringMembers(ring)) live.push({ id, ring });
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  let n = 0;
  let burstRing = 0;
  const perTick = Math.max(1, Math.round((perSecond * TICK_MS) / 1000 / 3));
  const payloads = [Buffer.from('x'), Buffer.from('xy')];
  const tick = setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const ring = rings[Math.floor(rand() * rings.length)]!;
      live.push({ id: keyctl.addKey('user', `flood-${n++}`, payloads[0]!, ring), ring });
      made.added!++;
      const gone = live.splice(Math.floor(rand() * live.length), 1)[0];
      if (gone) {
        try {
          keyctl.unlink(gone.id, gone.ring);
          made.removed!++;
        } catch {
          // already gone
        }
      }
      const key = live[Math.floor(rand() * live.length)];
      if (key) {
        try {
          keyctl.update(key.id, payloads[n % 2]!);
          made.changed!++;
        } catch {
          // a keyring, or gone
        }
      }
    }
  }, TICK_MS);
  const burst = setInterval(() => {
    if (burstRing) {
      keyctl.clear(burstRing);
      keyctl.unlink(burstRing, rings[0]!);
      burstRing = 0;
    } else {
      burstRing = keyctl.addKey('keyring', `flood-burst-${n++}`, null, rings[0]!);
      for (let i = 0, p = 0; i < burstKeys; p++) {
        const name = `flood-burst-part-${p}`;
        const part = keyctl.addKey('keyring', name, null, burstRing);
        const end = Math.min(burstKeys, i + linksBeforeWrap(name));
        for (; i < end; i++) keyctl.addKey('user', `flood-burst-key-${i}`, payloads[0]!, part);
      }
    }
    made.bursts!++;
  }, BURST_EVERY_MS);
  return () => {
    clearInterval(tick);
    clearInterval(burst);
    return made;
  };
}

/** Keys and keyrings named flood-… in the churned keyrings, as the kernel lists them now (what a search for them finds). */
export function kernelFloodCount(rings: readonly number[]): number {
  let n = 0;
  const seen = new Set<number>();
  const walk = (ring: number): void => {
    for (const id of keyctl.readKeyringMembers(ring)) {
      if (seen.has(id)) continue;
      seen.add(id);
      const d = keyctl.describe(id);
      if (d.description.startsWith('flood-')) n++;
      if (d.type === 'keyring') walk(id);
    }
  };
  for (const r of rings) walk(r);
  return n;
}

if (require.main === module) {
  const [ringsArg = '', rate = '3000', burstKeys = '5000'] = process.argv.slice(2);
  const stop = startChurn(ringsArg.split(',').map(Number), Number(rate), Number(burstKeys));
  process.on('SIGTERM', () => {
    process.stdout.write(JSON.stringify(stop()) + '\n');
    process.exit(0);
  });
}
