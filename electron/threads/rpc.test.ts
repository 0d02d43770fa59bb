// ThreadClient and the descriptors its thread holds (keyring/heldDescriptors.ts): whichever way the thread ends,
// nothing it held stays open, and nothing it let go is closed again. The thread is a real worker running the
// compiled modules (as worker bodies run), holding a real process-events socket (as root).
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { descriptorsOn, netlinkSocketsOpen } from '../test/openDescriptors';
import { ThreadClient } from './rpc';

const dist = join(__dirname, '..', '..', 'dist', 'electron');

/** A thread body that subscribes to process events at start and answers with its socket ('socket:[inode]'). */
function bodyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kb-rpc-')), 'body.js');
  writeFileSync(
    file,
    `const { readlinkSync } = require('node:fs');
     const { serveThread } = require(${JSON.stringify(join(dist, 'threads', 'rpc.js'))});
     const { ProcEvents } = require(${JSON.stringify(join(dist, 'keyring', 'procEvents.js'))});
     let events = null;
     serveThread(
       () => {
         events = ProcEvents.open('/proc');
         if (typeof events === 'string') throw new Error(events);
         return { socket: readlinkSync('/proc/thread-self/fd/' + events.descriptor), fd: events.descriptor };
       },
       {
         // A long synchronous task: the thread reads no message (its close hook included) until it ends.
         block: () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0),
         closeSocket: () => events.close(),
       },
       () => events?.close(),
     );`,
  );
  return file;
}

/** A thread body that reads the file its workerData names at start, as the reader reads /proc/keys (procFileBytes.ts). */
function readingBodyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kb-rpc-')), 'body.js');
  writeFileSync(
    file,
    `const { workerData } = require('node:worker_threads');
     const { serveThread } = require(${JSON.stringify(join(dist, 'threads', 'rpc.js'))});
     const { AlternatingReads } = require(${JSON.stringify(join(dist, 'threads', 'procFileBytes.js'))});
     serveThread(() => {
       const read = new AlternatingReads().read(workerData);
       return Buffer.isBuffer(read) ? read.length : read.code;
     }, {});`,
  );
  return file;
}

type Ops = { block: () => void; closeSocket: () => void };
type Start = { socket: string; fd: number };

describe('ThreadClient: the descriptors its thread holds (as root)', () => {
  it('leaves no socket open when the thread closes it in its close hook', async () => {
    const before = netlinkSocketsOpen();
    const client = new ThreadClient<Start, Ops>(bodyFile(), { label: 'test' });
    const { socket } = await client.started();
    expect(netlinkSocketsOpen()).toContain(socket);
    await client.close();
    expect(netlinkSocketsOpen()).toEqual(before);
  });

  it('closes the socket of a thread terminated mid-operation, whose close hook never ran', async () => {
    const before = netlinkSocketsOpen();
    const client = new ThreadClient<Start, Ops>(bodyFile(), { label: 'test', closeWaitMs: 300 });
    const { socket } = await client.started();
    const blocked = client.call('block').then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await client.close();
    expect(await blocked).toMatch(/closed/);
    expect(netlinkSocketsOpen()).not.toContain(socket);
    expect(netlinkSocketsOpen()).toEqual(before);
  });

  it('does not close again a descriptor the thread closed itself, whose number another thread opened since', async () => {
    const client = new ThreadClient<Start, Ops>(bodyFile(), { label: 'test', closeWaitMs: 300 });
    const { fd } = await client.started();
    await client.call('closeSocket');
    // The lowest free number: the one the thread's socket had.
    const mine = openSync('/proc/self/status', 'r');
    try {
      expect(mine).toBe(fd);
      void client.call('block').catch(() => undefined);
      await client.close();
      expect(readlinkSync(`/proc/self/fd/${mine}`)).toMatch(/\/status$/);
    } finally {
      closeSync(mine);
    }
  });

  // A thread stopped from outside runs no more JavaScript: a read's descriptor stays open unless Node closes it.
  // node:fs tells Node of every descriptor it opens and closes on a worker thread (Worker's trackUnmanagedFds, which
  // rpc.ts sets), and Node closes at the thread's end those still open (keyring/heldDescriptors.ts). The file is a FIFO, so the thread is surely
  // stopped mid-read: it has read what was written and waits in read(2) for more, which a terminate does not interrupt;
  // the next bytes wake it, and it stops before its next read.
  it.each([
    { what: 'a ThreadClient’s thread', how: 'client', left: 0 },
    { what: 'a worker whose descriptors Node does not track', how: 'untracked', left: 1 },
  ])('$what, stopped mid-read, leaves $left descriptor open on the file', async ({ how, left }) => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'kb-fifo-')), 'keys');
    execFileSync('mkfifo', [fifo]);
    const writer = openSync(fifo, 'r+'); // read-write: opens at once, and the thread's reads never see the end
    const body = readingBodyFile();
    const stop =
      how === 'client'
        ? ((client) => () => client.close())(new ThreadClient<number, Record<string, never>>(body, { label: 'test', data: fifo, closeWaitMs: 50 }))
        : ((worker) => () => worker.terminate())(new Worker(body, { workerData: fifo, trackUnmanagedFds: false }));
    try {
      writeSync(writer, 'first bytes');
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && descriptorsOn(fifo).length < 2; ) await sleep(5);
      expect(descriptorsOn(fifo).length).toBe(2);
      await sleep(50); // it reads the bytes and waits for more
      const stopped = stop();
      const feeder = setInterval(() => writeSync(writer, 'more'), 20);
      await stopped;
      clearInterval(feeder);
    } finally {
      closeSync(writer);
    }
    const open = descriptorsOn(fifo);
    for (const fd of open) closeSync(fd); // the dead thread's, left open: the process's to close
    expect(open.length).toBe(left);
  });
});
