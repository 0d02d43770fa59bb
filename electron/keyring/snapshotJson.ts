// The snapshot as JSON, written a batch of keys at a time: exactly JSON.stringify(snapshot) + '\n' (tested),
// without ever holding 40k key objects or one 10 MB string. Why: on a small VM the cost of `snapshot --json`
// at 40k keys was dominated by memory, not by work: promoting 40k long-lived objects, then a 10 MB string
// and its 10 MB UTF-8 copy, each page touched for the first time. Batches of short-lived objects stay in
// the young generation, whose pages are reused.
import { RowMap } from './keyTable';
import { annotateKey, pinContext, type LinkPin, type PinEnvironment } from './pins';
import { keyInfoAt, keyringsOf, snapshotHead, type ScanState } from './scanState';
import type { KeyInfo } from '../../shared/snapshot';

/** Keys per batch: ~250 bytes of JSON each, so a batch's string stays well below V8's large-object size. */
const BATCH = 200;

export function writeSnapshotJson(state: ScanState, env: PinEnvironment, write: (chunk: string) => void): void {
  const head = JSON.stringify(snapshotHead(state));
  write(`${head.slice(0, -1)},"keys":[`);
  const context = pinContext(keyringsOf(state), state, env, undefined, new RowMap<LinkPin | LinkPin[]>(state.table));
  const batch: KeyInfo[] = [];
  const order = state.order;
  for (let start = 0; start < order.length; start += BATCH) {
    const end = Math.min(order.length, start + BATCH);
    batch.length = 0;
    for (let i = start; i < end; i++) {
      const key = keyInfoAt(state, order[i] as number);
      annotateKey(key, context);
      batch.push(key);
    }
    const json = JSON.stringify(batch);
    // Drop the batch's own brackets; batches after the first are joined with a comma.
    write(start === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
  }
  write(`],"quotas":${JSON.stringify(state.quotas)}}\n`);
}
