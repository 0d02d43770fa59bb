// The process-events parser on crafted and random datagrams (the real connector is processWatch.test's): what each
// event names, and every doubt that must make the watch read every status file; and the subscription's socket
// closed on every way its thread may end.
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsIn, PROC_EVENT } from './procEvents';

/** One datagram as the kernel sends it: nlmsghdr, cn_msg {idx 1, val 1}, proc_event. */
function datagram(what: number, seq: number, cpu: number, data: number[]): Buffer {
  const b = Buffer.alloc(16 + 20 + 40);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(3, 4); // NLMSG_DONE
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(seq, 24);
  b.writeUInt16LE(40, 32);
  b.writeUInt32LE(what >>> 0, 36);
  b.writeUInt32LE(cpu, 40);
  data.forEach((v, i) => b.writeUInt32LE(v, 52 + 4 * i));
  return b;
}

function run(events: Buffer[], lastSeq = new Map<number, number>()): { named: number[]; doubts: (string | null)[] } {
  const named = new Set<number>();
  const doubts = events.map((b) => eventsIn(b, b.length, lastSeq, named));
  return { named: [...named].sort((a, b) => a - b), doubts };
}

describe('eventsIn', () => {
  it('names the process a fork made, not a thread; the thread group of an exec, uid, command change or exit', () => {
    const seen = new Map([[0, 9]]);
    const { named, doubts } = run(
      [
        datagram(PROC_EVENT.FORK, 10, 0, [1, 1, 500, 500]),
        datagram(PROC_EVENT.FORK, 11, 0, [500, 500, 501, 500]), // a thread of 500
        datagram(PROC_EVENT.EXEC, 12, 0, [600, 600]),
        datagram(PROC_EVENT.UID, 13, 0, [701, 700, 1000, 1000]), // a thread's setuid: its group's leader is read
        datagram(PROC_EVENT.COMM, 14, 0, [801, 800]),
        datagram(PROC_EVENT.EXIT, 15, 0, [901, 900, 0, 9]),
        datagram(PROC_EVENT.GID, 16, 0, [1000, 1000, 5, 5]),
        datagram(PROC_EVENT.SID, 17, 0, [1100, 1100]),
        datagram(PROC_EVENT.PTRACE, 18, 0, [1200, 1200, 1, 1]),
        datagram(PROC_EVENT.COREDUMP, 19, 0, [1300, 1300, 1, 1]),
        datagram(PROC_EVENT.NONE, 20, 0, [0]),
      ],
      seen,
    );
    expect(named).toEqual([500, 600, 700, 800, 900]);
    expect(doubts.every((d) => d === null)).toBe(true);
    expect(seen.get(0)).toBe(20);
  });

  it("doubts a CPU's first event, a gap in its sequence, an unknown kind, a cut or foreign message", () => {
    const seen = new Map([[1, 0xffffffff]]);
    const { doubts } = run(
      [
        datagram(PROC_EVENT.EXEC, 0, 1, [5, 5]), // the sequence wraps: no gap
        datagram(PROC_EVENT.EXEC, 7, 2, [5, 5]),
        datagram(PROC_EVENT.EXEC, 9, 2, [5, 5]),
        datagram(0x1000, 1, 1, [5, 5]),
      ],
      seen,
    );
    expect(doubts).toEqual([null, 'the first event from CPU 2', 'events from CPU 2 were lost (7 then 9)', 'an event of unknown kind 0x1000']);
    const cut = datagram(PROC_EVENT.EXEC, 2, 1, [5, 5]);
    expect(eventsIn(cut, 40, seen, new Set())).toBe('a message cut short');
    const error = datagram(PROC_EVENT.EXEC, 2, 1, [5, 5]);
    error.writeUInt16LE(2, 4); // NLMSG_ERROR
    expect(eventsIn(error, error.length, seen, new Set())).toBe('an error message');
  });

  it('never throws on any bytes, and names nothing it cannot read as an event', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const b = Buffer.from(bytes);
        const named = new Set<number>();
        const doubt = eventsIn(b, Math.min(cut, b.length), new Map(), named);
        expect(doubt === null || typeof doubt === 'string').toBe(true);
        if (named.size > 0) expect(doubt).not.toBeNull(); // the first event of any CPU is a doubt
      }),
      { numRuns: 500 },
    );
  });
});

/** The sockets this process holds open ('socket:[inode]'), whichever thread opened them. */
function socketsOpen(): Set<string> {
  const sockets = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith('socket:')) sockets.add(target);
    } catch {
      // closed meanwhile (readdir's own descriptor)
    }
  }
  return sockets;
}

describe('ProcEvents (as root)', () => {
  it.each(['process.exit', 'an uncaught error'])('closes its socket when the thread that opened it ends by %s, not closing it', async (how) => {
    // A scan thread's body, reduced to the subscription (the compiled module, as worker bodies run).
    const body = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readlinkSync } = require('node:fs');
      const { ProcEvents } = require(workerData.module);
      const events = ProcEvents.open('/proc');
      if (typeof events === 'string') throw new Error(events);
      parentPort.postMessage(readlinkSync('/proc/thread-self/fd/' + events.descriptor));
      setTimeout(() => {
        if (workerData.how === 'process.exit') process.exit(70);
        throw new Error('the scan thread failed');
      }, 10);`;
    const module = join(__dirname, '..', '..', 'dist', 'electron', 'keyring', 'procEvents.js');
    const worker = new Worker(body, { eval: true, workerData: { module, how } });
    const errors: Error[] = [];
    worker.on('error', (err) => void errors.push(err));
    const ended = new Promise<number>((resolve) => worker.once('exit', resolve));
    const socket = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      void ended.then(() => reject(new Error(`the thread ended before subscribing: ${errors.map((e) => e.message).join('; ')}`)));
    });
    expect(socketsOpen().has(socket)).toBe(true);
    expect(await ended).toBe(how === 'process.exit' ? 70 : 1);
    expect(socketsOpen().has(socket)).toBe(false);
  });
});
