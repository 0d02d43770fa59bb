// What the JSON tests (snapshotJson.test.ts, systemScope.test.ts) write a scan state through: writeSnapshotJson with
// a writer that takes text only (every record by JSON.stringify) and with one that takes bytes too (the key records'
// WebAssembly module writes most of them), and the fixed pin environment both use.
import type { PinEnvironment } from '../pins';
import type { ScanState } from '../scanState';
import { writeSnapshotJson, type JsonWriter } from '../snapshotJson';

/** A fixed pin environment (root with three processes, the kernel's defaults) at `now`. */
export function pinEnvironmentAt(now: number): PinEnvironment {
  return { now, processesByUid: new Map([[0, 3]]), gcDelaySeconds: 300, persistentExpirySeconds: 259200, userRegistryKeepsUserKeyrings: true };
}

/** writeSnapshotJson's output through a writer that takes text only, chunk by chunk. */
export function jsonChunks(state: ScanState, env: PinEnvironment): string[] {
  const chunks: string[] = [];
  writeSnapshotJson(state, env, (chunk) => void chunks.push(chunk));
  return chunks;
}

/** writeSnapshotJson's output through a writer that takes bytes too (as the CLI's stdout does). */
export function bytesWritten(state: ScanState, env: PinEnvironment): Buffer {
  const parts: Buffer[] = [];
  const write: JsonWriter = Object.assign((chunk: string) => void parts.push(Buffer.from(chunk, 'utf8')), {
    bytes: (chunk: Uint8Array) => void parts.push(Buffer.from(chunk)), // a copy: the writer reuses its area
  });
  writeSnapshotJson(state, env, write);
  return Buffer.concat(parts);
}
