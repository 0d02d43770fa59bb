// createWorkerSnapshotSource(): the SnapshotSource the app and `serve` poll. The scan runs in a worker
// thread (scanWorker.ts) that keeps its Scanner, its non-possessing reader thread and its caches between
// polls, so the event loop only receives finished snapshots.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Snapshot } from '../../shared/snapshot';
import { getKeyringId, isVanished } from './keyctl';
import { KeyringsUnavailableError, type ScanStatsDetail } from './scanner';
import type { SnapshotSource } from './source';

export interface WorkerSourceOptions {
  /** Where /proc lives (tests). */
  procRoot?: string;
}

export interface WorkerSnapshotSource extends SnapshotSource {
  /** What the last scan had to do beyond reading /proc/keys (for the bench and diagnostics). */
  lastStats(): ScanStatsDetail | null;
}

/** The compiled worker entry. From the TypeScript sources (vitest) we use the build in dist/. */
export function scanWorkerPath(): string {
  const here = join(__dirname, 'scanWorker.js');
  if (existsSync(here)) return here;
  const built = resolve(__dirname, '..', '..', 'dist', 'electron', 'keyring', 'scanWorker.js');
  if (existsSync(built)) return built;
  throw new Error(`the scan worker is not built (${built} is missing): run \`npm run build:node\``);
}

function callerThreadKeyring(): number | null {
  try {
    return getKeyringId(-1, false);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

type Reply = { seq: number; snapshot?: Snapshot; stats?: ScanStatsDetail; error?: { name: string; message: string }; closed?: boolean };

export function createWorkerSnapshotSource(options: WorkerSourceOptions = {}): WorkerSnapshotSource {
  const worker = new Worker(scanWorkerPath(), { workerData: { threadKeyring: callerThreadKeyring(), procRoot: options.procRoot } });
  let seq = 0;
  let failure: Error | null = null;
  let stats: ScanStatsDetail | null = null;
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const failAll = (err: Error): void => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (r: Reply) => {
    const p = pending.get(r.seq);
    if (!p) return;
    pending.delete(r.seq);
    if (pending.size === 0) worker.unref();
    p.resolve(r);
  });
  // Alive only while a scan is pending (unref after the 'message' listener, which re-refs the worker).
  worker.unref();
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the scan worker exited (code ${code})`)));

  const request = (op: 'scan' | 'close'): Promise<Reply> => {
    if (failure) return Promise.reject(failure);
    const s = ++seq;
    return new Promise<Reply>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(s, { resolve, reject });
      worker.postMessage({ op, seq: s });
    });
  };

  return {
    async scan(): Promise<Snapshot> {
      const r = await request('scan');
      if (r.error) {
        const err = r.error.name === 'KeyringsUnavailableError' ? new KeyringsUnavailableError(r.error.message) : new Error(r.error.message);
        throw err;
      }
      stats = r.stats ?? null;
      return r.snapshot as Snapshot;
    },
    lastStats: () => stats,
    async close(): Promise<void> {
      if (!failure) await request('close').catch(() => undefined);
      failure ??= new Error('the snapshot source is closed');
      await worker.terminate();
    },
  };
}
