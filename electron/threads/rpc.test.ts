// ThreadClient and the descriptors its thread holds (keyring/heldDescriptors.ts): whichever way the thread ends,
// nothing it held stays open, and nothing it let go is closed again. The thread is a real worker running the
// compiled modules (as worker bodies run), holding a real process-events socket (as root).
import { closeSync, mkdtempSync, openSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netlinkSocketsOpen } from '../test/openDescriptors';
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
});
