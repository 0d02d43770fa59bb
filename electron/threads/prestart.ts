// The one-shot CLI's start (bin/keyring-browser calls prestart() first thing for `snapshot`): the reader
// (poolReader.ts: libuv's single pool thread, in an empty session of its own) starts reading /proc/keys at
// once, while this thread, which keeps the caller's credentials and possesses for it, loads the CLI.
// Imports are kept minimal: this module loads before the CLI and the scanner.
import { PoolReader } from './poolReader';
import { hugePageHeap } from '../keyring/hugePages';

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

/** The C heap the one-shot backs with huge pages (hugePages.ts): at 40k keys it grows ~8 MB (the read's text is 4). */
const HEAP_BYTES = 24 << 20;

let prestarted: PoolReader | null = null;
let prestartedRoot: string | null = null;

/** Runs prestartReader once for the process, keeping its result for takePrestartedReader. */
export function prestart(procRoot: string): void {
  if (prestartedRoot !== null) return;
  prestartedRoot = procRoot;
  // Before the read: its text and the CLI's compiler zones are malloc'd after this (hugePages.ts says why).
  hugePageHeap(HEAP_BYTES);
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
