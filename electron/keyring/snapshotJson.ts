// The snapshot file (shared/snapshotFile.ts: the snapshot with `"format": 1` first), written a batch of keys
// at a time: exactly snapshotFileText(snapshot) (tested), without ever holding 40k key objects or one 10 MB
// string. Why: on a small VM the cost of `snapshot --json` at 40k keys was dominated by memory, not by work: promoting 40k long-lived objects, then a 10 MB string
// and its 10 MB UTF-8 copy, each page touched for the first time. Batches of short-lived objects stay in
// the young generation, whose pages are reused.
// (Measured and dropped: having the CLI's idle second thread write part of the keys. Copying the scan state
// over cost ~40 ms, and both threads ran at half speed side by side on a 2-vCPU VM.)
import { RowMap } from './keyTable';
import { writeKeyRecords } from './keyRecordsJson';
import { annotateKey, pinContext, type LinkPin, type PinContext, type PinEnvironment } from './pins';
import { keyInfoAt, keyringsOf, snapshotHead, type ScanState } from './scanState';
import type { KeyInfo } from '../../shared/snapshot';
import { FILE_FORMAT } from '../../shared/fileFormat';

/** Keys per batch: ~250 bytes of JSON each, so a batch's string stays well below V8's large-object size. */
const BATCH = 200;

/** Where the JSON goes: strings, and where it can take them, bytes (the key records' module writes bytes). */
export type JsonWriter = ((chunk: string) => void) & { bytes?: (chunk: Uint8Array) => void };

export function writeSnapshotJson(state: ScanState, env: PinEnvironment, write: JsonWriter): void {
  write(headJson(state));
  if (write.bytes === undefined || !writeKeyRecords(state, env, write, write.bytes)) {
    const inbound = new RowMap<LinkPin | LinkPin[]>(state.table);
    writeKeys(state, pinContext(keyringsOf(state), state, env, undefined, inbound), inbound, write);
  }
  write(tailJson(state));
}

function headJson(state: ScanState): string {
  const head = JSON.stringify({ format: FILE_FORMAT, ...snapshotHead(state) });
  return `${head.slice(0, -1)},"keys":[`;
}

function tailJson(state: ScanState): string {
  const scope = state.scope === undefined ? '' : `,"scope":${JSON.stringify(state.scope)}`;
  return `],"quotas":${JSON.stringify(state.quotas)}${scope}}\n`;
}

/** The keys in the snapshot's order, comma-separated. */
function writeKeys(state: ScanState, context: PinContext, inbound: RowMap<unknown>, write: (chunk: string) => void): void {
  const batch: KeyInfo[] = [];
  const order = state.order;
  for (let start = 0; start < order.length; start += BATCH) {
    const end = Math.min(order.length, start + BATCH);
    batch.length = 0;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const key = keyInfoAt(state, row);
      inbound.hint = row; // annotateKey asks for this key's links first
      annotateKey(key, context);
      batch.push(key);
    }
    const json = JSON.stringify(batch);
    // Drop the batch's own brackets; batches after the first are joined with a comma.
    write(start === 0 ? json.slice(1, -1) : `,${json.slice(1, -1)}`);
  }
}
