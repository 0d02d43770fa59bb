// The one-shot CLI's start: the MAIN thread becomes the non-possessing reader, so the big /proc/keys read
// begins at once (sides.ts). First thing in the process (bin/keyring-browser):
//  1. start libuv's thread pool: its threads copy this thread's credentials when they are created, so they
//     keep the caller's session and possess for it (possessingSide.ts poolPossessingSide: keyctl calls
//     through koffi's asynchronous form run there);
//  2. read the caller's anchors, GET_KEYRING_ID(-1/-2/-3, create=0), on this thread, before its creds
//     change. The only way this changes creds is -3 installing the user-session keyring for a caller
//     without a session keyring (anchors.ts), which the kernel searches in that case anyway;
//  3. join a fresh anonymous session keyring here: this thread now possesses nothing;
//  4. read /proc/keys and /proc/key-users synchronously HERE (/proc/keys checks the opener's credentials;
//     an async read would open them on a pool thread, with the caller's creds: slow on a big tree);
//  5. parse the keys into a table (the scanner takes it as it is) and have the pool read every keyring's
//     members meanwhile, so both are ready by the time the CLI's modules have loaded.
// (A worker thread was the possessing side first: it took ~70 ms to boot, competing with this thread.)
// Imports are kept minimal (the parser and its table, no CLI, no scanner): this module loads first.
import { readProcessAnchors } from './anchors';
import * as keyctl from './keyctl';
import { KeyTable } from './keyTable';
import { parseProcKeysInto } from './procKeys';
import { InThreadReader, poolPossessingSide, readProcHere, startPossessingPool } from './possessingSide';
import type { PossessingSide } from './sides';

export interface PrestartedSnapshot {
  /** This (main) thread, in its fresh session, primed with the read made at start. */
  reader: InThreadReader;
  /** libuv's thread pool, which kept the caller's credentials. */
  possessing: PossessingSide;
}

/**
 * Steps 1–4 above. Null (never a throw) when any step fails before this thread's creds change (no key
 * support, koffi missing, ...): the caller then takes the normal path, which explains errors in sentences.
 * A /proc/keys that cannot be read is not a failure here: the reader's first read() carries its code.
 */
export function prestartSnapshot(procRoot: string): PrestartedSnapshot | null {
  try {
    startPossessingPool();
    const anchors = readProcessAnchors();
    const joinedSession = keyctl.joinSessionKeyring(null);
    trace('prestart: pool started, anchors read, session joined');
    const result = readProcHere(procRoot);
    trace('prestart: /proc/keys read');
    const possessing = poolPossessingSide(anchors);
    if (result.keys.text !== undefined) {
      const table = new KeyTable(0);
      parseProcKeysInto(table, result.keys.text, result.readAt, (id) => id !== joinedSession);
      result.parsed = { table, without: [joinedSession] };
      possessing.prefetchMembers(table.keyringIds());
      trace('prestart: parsed');
    }
    return { reader: new InThreadReader(joinedSession, { procRoot, result }), possessing };
  } catch {
    return null;
  }
}

/** KEYRING_BROWSER_TRACE=1: when each step ends, in ms since the process started. */
function trace(label: string): void {
  if (process.env.KEYRING_BROWSER_TRACE) process.stderr.write(`${label} (${performance.now().toFixed(0)} ms since start)\n`);
}

let prestarted: PrestartedSnapshot | null = null;
let prestartedRoot: string | null = null;

/** Runs prestartSnapshot once for the process, keeping its result for takePrestartedSnapshot. */
export function prestart(procRoot: string): void {
  if (prestartedRoot !== null) return;
  prestartedRoot = procRoot;
  prestarted = prestartSnapshot(procRoot);
}

/**
 * The prestarted pair, once (null when there was none or it failed: take the normal path). It is handed
 * out even for another proc root: this thread's credentials have changed, so the pair is the only right
 * way to scan now; the reader's primed read is used only for the root it was made for.
 */
export function takePrestartedSnapshot(procRoot: string): PrestartedSnapshot | null {
  void procRoot; // the reader checks it
  const taken = prestarted;
  prestarted = null;
  return taken;
}
