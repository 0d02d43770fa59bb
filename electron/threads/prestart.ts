// The one-shot CLI's start (bin/keyring-browser calls prestart() first thing for `snapshot`): the reader
// (poolReader.ts: libuv's single pool thread, in an empty session of its own) starts reading /proc/keys at
// once, while this thread, which keeps the caller's credentials and possesses for it, loads the CLI.
// Imports are kept minimal: this module loads before the CLI and the scanner.
import { PoolReader } from './poolReader';

/**
 * The non-possessing side with its first read under way. Null (never a throw) when it cannot start (koffi
 * missing, ...): the CLI then takes the normal path.
 */
export function prestartReader(procRoot: string): PoolReader | null {
  try {
    return new PoolReader(procRoot);
  } catch {
    return null;
  }
}

let prestarted: PoolReader | null = null;
let prestartedRoot: string | null = null;

/** Runs prestartReader once for the process, keeping its result for takePrestartedReader. */
export function prestart(procRoot: string): void {
  if (prestartedRoot !== null) return;
  prestartedRoot = procRoot;
  prestarted = prestartReader(procRoot);
}

/**
 * Settles (never rejects) once the prestarted read is queued on the pool thread (PoolReader.readQueued), at once
 * when there is none.
 */
export function prestartedReadQueued(): Promise<void> {
  return prestarted?.readQueued() ?? Promise.resolve();
}

/** The prestarted reader, once (null when there was none); its primed read is used only for its own root. */
export function takePrestartedReader(): PoolReader | null {
  const taken = prestarted;
  prestarted = null;
  return taken;
}
