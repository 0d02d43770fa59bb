// Worker entry for createWorkerSnapshotSource(): runs the Scanner on its own thread so scans never block
// the Electron main process or the serve event loop. This thread is the *possessing* side: a new thread
// starts with its creator's credentials (session and process keyrings), so it possesses what the app
// possesses. Caveat, the thread keyring: a new thread never shares its creator's thread keyring (Linux
// gives it a fresh empty one if the creator had one), so the creator passes its own thread keyring id as
// the thread anchor, our fresh one is hidden, and keys reachable only through the creator's thread
// keyring are seen only as far as their permissions allow without possession.
import { parentPort, workerData } from 'node:worker_threads';
import { getKeyringId, isVanished } from './keyctl';
import { Scanner } from './scanner';

interface Data {
  threadKeyring: number | null;
  procRoot?: string;
}

function ownThreadKeyring(): number | null {
  try {
    return getKeyringId(-1, false);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

const data = workerData as Data;
const mine = ownThreadKeyring();
const scanner = new Scanner({
  threadKeyring: data.threadKeyring,
  hiddenIds: mine !== null && mine !== data.threadKeyring ? [mine] : [],
  ...(data.procRoot ? { procRoot: data.procRoot } : {}),
});

const port = parentPort;
if (!port) throw new Error('scanWorker must run in a worker thread');
port.on('message', (msg: { op: 'scan' | 'close'; seq: number }) => {
  if (msg.op === 'scan') {
    scanner.scan().then(
      (snapshot) => port.postMessage({ seq: msg.seq, snapshot, stats: scanner.lastStats }),
      (err: unknown) => port.postMessage({ seq: msg.seq, error: { name: (err as Error)?.name ?? 'Error', message: (err as Error)?.message ?? String(err) } }),
    );
  } else if (msg.op === 'close') {
    void scanner.close().finally(() => port.postMessage({ seq: msg.seq, closed: true }));
  }
});
