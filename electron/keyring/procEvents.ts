// The kernel's process-events connector (netlink NETLINK_CONNECTOR, group CN_IDX_PROC; drivers/connector/cn_proc.c,
// include/uapi/linux/cn_proc.h): a message for every fork, exec, credential change, command change and exit on the
// machine. processWatch.ts uses it to read again only the /proc/PID/status files of processes an event named.
//
// Read without blocking (MSG_DONTWAIT) on the thread that polls, so nothing runs between polls. What it cannot
// vouch for is a doubt, and a doubt is a full read of every status file:
//  - the socket overflowed (recv says ENOBUFS: events were dropped for us) or a CPU's sequence skipped (the
//    kernel failed to allocate an event: each CPU numbers the events it sends, cn_msg.seq, counting every one
//    while anyone listens, and we listen to all kinds, so each CPU's numbers come to us without a gap);
//  - a CPU's first event: what it sent before is unnumbered for us, so a loss then would not show;
//  - any error, an unknown event kind, a message we cannot parse.
// The kernel reports pids of the initial pid namespace and listens only to requests from it, so opening checks
// that /proc counts the same way: it renames this thread to its own name (a PROC_EVENT_COMM) and expects that
// event with the tid and pid /proc/thread-self names, after its own subscription's acknowledgement.
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { koffi, libc } from './libc';
import { errnoName } from './keyctlError';
import { announceHeld, closeHeld } from './heldDescriptors';

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_NOOP = 1;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;
const MSG_DONTWAIT = 0x40;
const EINTR = 4;
const EAGAIN = 11;
const ENOBUFS = 105;

/** enum proc_cn_event (cn_proc.h). */
export const PROC_EVENT = {
  NONE: 0,
  FORK: 0x1,
  EXEC: 0x2,
  UID: 0x4,
  GID: 0x40,
  SID: 0x80,
  PTRACE: 0x100,
  COMM: 0x200,
  NONZERO_EXIT: 0x20000000,
  COREDUMP: 0x40000000,
  EXIT: 0x80000000,
} as const;

/** struct nlmsghdr (16 bytes), then struct cn_msg (20), then struct proc_event: what, cpu, timestamp, the union. */
const NLMSG_HEADER = 16;
const CN_MSG = NLMSG_HEADER;
const EVENT = CN_MSG + 20;
const EVENT_DATA = EVENT + 16;

interface Native {
  socket: (domain: number, type: number, protocol: number) => number;
  bind: (fd: number, addr: Buffer, len: number) => number;
  send: (fd: number, buf: Buffer, len: number, flags: number) => number;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number;
  setsockopt: (fd: number, level: number, name: number, value: Buffer, len: number) => number;
  close: (fd: number) => number;
}

let native: Native | null = null;

function calls(): Native {
  if (native !== null) return native;
  const lib = libc();
  native = {
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    bind: lib.func('int bind(int fd, void *addr, uint32_t len)'),
    send: lib.func('long send(int fd, void *buf, size_t len, int flags)'),
    recv: lib.func('long recv(int fd, void *buf, size_t len, int flags)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, void *value, uint32_t len)'),
    close: lib.func('int close(int fd)'),
  };
  return native;
}

export interface ProcEventsOptions {
  /**
   * The socket's receive buffer in bytes (root sets it past rmem_max). Each event takes about 1 KiB of it: the
   * default holds about a thousand between two polls; tests make it tiny to overflow it.
   */
  receiveBufferBytes?: number;
}

const DEFAULT_RECEIVE_BUFFER = 1024 * 1024;
const LOST = 'events were lost (the socket overflowed)';
/** The most messages one drain reads. */
const MAX_DRAIN = 20_000;

/** What one drain saw: the processes (thread-group ids) events named, or why every status must be read. */
export interface Drained {
  /** How many messages were read. */
  messages: number;
  /** null: every change to a process's uid or command is among `named`; else why nothing may be trusted. */
  doubt: string | null;
}

export class ProcEvents {
  private readonly buffer = Buffer.alloc(1024);
  /** The last sequence number seen from each CPU. */
  private readonly lastSeq = new Map<number, number>();
  private closed = false;
  /**
   * Closes the socket when the thread that opened it ends without close(): a scan thread that dies (an uncaught
   * error, process.exit in its body) would otherwise leave it open, taking events into its buffer, until the process
   * exits (a descriptor belongs to the process, not the thread). A worker's 'exit' event fires on those paths; a
   * thread terminated from outside runs no JavaScript, so the socket is also said held (heldDescriptors.ts) and
   * the thread that started this one closes it after its 'exit' if it is still open.
   */
  private readonly closeOnExit = (): void => this.close();

  private constructor(private readonly fd: number) {
    announceHeld(fd);
    process.once('exit', this.closeOnExit);
  }

  /**
   * Subscribes to every process event and checks that the events' pids are /proc's (see the top): the
   * subscription, or why it cannot be used (a sentence: not root, the kernel has no connector, ...).
   */
  static open(procRoot: string, options: ProcEventsOptions = {}): ProcEvents | string {
    if (process.geteuid?.() !== 0) return 'not root';
    let n: Native;
    try {
      n = calls();
    } catch (err) {
      return `libc: ${(err as Error).message}`;
    }
    const fd = n.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0) return `socket: ${errnoName(koffi.errno())}`;
    const events = new ProcEvents(fd);
    const why = events.subscribe(procRoot, options.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER);
    if (why === null) return events;
    events.close();
    return why;
  }

  private subscribe(procRoot: string, receiveBuffer: number): string | null {
    const n = calls();
    // struct sockaddr_nl: family, pad, port (0: the kernel picks), groups (a bit mask: CN_IDX_PROC's).
    const address = Buffer.alloc(12);
    address.writeUInt16LE(AF_NETLINK, 0);
    address.writeUInt32LE(1 << (CN_IDX_PROC - 1), 8);
    if (n.bind(this.fd, address, address.length) < 0) return `bind: ${errnoName(koffi.errno())}`;
    // Our acknowledgement is told from other listeners' (every listener gets every acknowledgement) by its number.
    const ack = 1 + Math.floor(Math.random() * 0x3fffffff);
    const listen = Buffer.alloc(EVENT + 4);
    listen.writeUInt32LE(listen.length, 0);
    listen.writeUInt16LE(NLMSG_DONE, 4);
    listen.writeUInt32LE(CN_IDX_PROC, CN_MSG);
    listen.writeUInt32LE(CN_VAL_PROC, CN_MSG + 4);
    listen.writeUInt32LE(ack, CN_MSG + 12);
    listen.writeUInt16LE(4, CN_MSG + 16);
    listen.writeUInt32LE(PROC_CN_MCAST_LISTEN, EVENT);
    if (n.send(this.fd, listen, listen.length, 0) < 0) return `send: ${errnoName(koffi.errno())}`;
    let ids: { tid: number; pid: number };
    try {
      ids = renameThisThreadAsItIs(procRoot);
    } catch (err) {
      return `${procRoot}/thread-self: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    // Both come back within the calls above (the kernel answers and sends while we call it); anything else
    // that arrived meanwhile is dropped: the first poll reads every status file anyway.
    let acknowledged: number | null = null;
    let renamed = false;
    for (let length = this.receive(); length !== 0; length = this.receive()) {
      if (length < 0) return `recv: ${errnoName(-length)}`;
      forEachEvent(this.buffer, length, (at) => {
        const what = this.buffer.readUInt32LE(at + EVENT);
        const data = at + EVENT_DATA;
        if (what === PROC_EVENT.NONE && this.buffer.readUInt32LE(at + CN_MSG + 12) === ack + 1) acknowledged = this.buffer.readUInt32LE(data);
        if (what === PROC_EVENT.COMM && this.buffer.readUInt32LE(data) === ids.tid && this.buffer.readUInt32LE(data + 4) === ids.pid) renamed = true;
        return null;
      });
    }
    if (acknowledged === null) return 'no acknowledgement of the subscription (another pid or user namespace?)';
    if (acknowledged !== 0) return `subscription refused: ${errnoName(acknowledged)}`;
    if (!renamed) return `its events' pids are not ${procRoot}'s (another pid namespace?)`;
    // Set once subscribed: the default holds the two answers above, a tiny one (the tests') may not.
    const size = Buffer.alloc(4);
    size.writeInt32LE(receiveBuffer);
    if (n.setsockopt(this.fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4) < 0 && n.setsockopt(this.fd, SOL_SOCKET, SO_RCVBUF, size, 4) < 0) {
      return `setsockopt SO_RCVBUF: ${errnoName(koffi.errno())}`;
    }
    return null;
  }

  /**
   * Reads every message waiting, adding to `named` the thread-group id of each process whose uid, command or
   * existence an event says may have changed (eventsIn).
   */
  drain(named: Set<number>): Drained {
    let messages = 0;
    let doubt: string | null = null;
    for (;;) {
      if (messages === MAX_DRAIN) {
        // Events come faster than they are read (a fork storm): the rest wait for the next poll.
        doubt = graver(doubt, `more than ${MAX_DRAIN} events since the last read`);
        break;
      }
      const length = this.receive();
      if (length === 0) break;
      if (length === -ENOBUFS) {
        doubt = graver(doubt, LOST);
        continue;
      }
      if (length < 0) {
        doubt = graver(doubt, `recv: ${errnoName(-length)}`);
        break;
      }
      messages++;
      doubt = graver(doubt, eventsIn(this.buffer, length, this.lastSeq, named));
    }
    return { messages, doubt };
  }

  /** One datagram's length; 0 when none is waiting; -errno on an error (ENOBUFS: the kernel dropped some for us). */
  private receive(): number {
    const n = calls();
    for (;;) {
      const length = n.recv(this.fd, this.buffer, this.buffer.length, MSG_DONTWAIT);
      if (length >= 0) return length;
      const errno = koffi.errno();
      if (errno === EINTR) continue;
      return errno === EAGAIN ? 0 : -errno;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.closeOnExit);
    closeHeld(this.fd, calls().close);
  }

  /** The socket's descriptor while open (tests: whether it was closed), else -1. */
  get descriptor(): number {
    return this.closed ? -1 : this.fd;
  }
}

/**
 * Writes this thread's command back as it is (/proc/thread-self/comm: the kernel sends PROC_EVENT_COMM for it even
 * when unchanged), and says which tid and pid /proc gives this thread.
 */
function renameThisThreadAsItIs(procRoot: string): { tid: number; pid: number } {
  const link = readlinkSync(`${procRoot}/thread-self`); // "PID/task/TID"
  const m = /^(\d+)\/task\/(\d+)$/.exec(link);
  if (m === null) throw new Error(`thread-self is ${link}`);
  const comm = readFileSync(`${procRoot}/thread-self/comm`);
  const end = comm.indexOf(10);
  writeFileSync(`${procRoot}/thread-self/comm`, end < 0 ? comm : comm.subarray(0, end));
  return { pid: Number(m[1]), tid: Number(m[2]) };
}

/** Of two doubts, the one to report: a loss before any other (the others are moot beside it), else the first. */
function graver(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null || a.includes(' lost') || !b.includes(' lost')) return a;
  return b;
}

/**
 * The events in the first `length` bytes of `b` (one datagram; the kernel sends one event in each): adds to `named`
 * the thread-group id of each process whose uid, command or existence may have changed (a new thread, or a gid,
 * session or tracer change, names none), and checks each CPU's sequence against `lastSeq` (updated). Returns null,
 * or why no answer may be trusted: a CPU's first event, a gap in its sequence, an event or message it does not
 * know, a message cut short.
 */
export function eventsIn(b: Buffer, length: number, lastSeq: Map<number, number>, named: Set<number>): string | null {
  return forEachEvent(b, length, (at) => {
    const seq = b.readUInt32LE(at + CN_MSG + 8);
    const what = b.readUInt32LE(at + EVENT);
    const cpu = b.readUInt32LE(at + EVENT + 4);
    const last = lastSeq.get(cpu);
    lastSeq.set(cpu, seq);
    let doubt: string | null = null;
    if (last === undefined) doubt = `the first event from CPU ${cpu}`;
    else if (seq !== ((last + 1) >>> 0)) doubt = `events from CPU ${cpu} were lost (${last} then ${seq})`;
    const data = at + EVENT_DATA;
    switch (what) {
      case PROC_EVENT.FORK:
        // parent pid, parent tgid, child pid, child tgid: a new thread (pid != tgid) is no new process.
        if (b.readUInt32LE(data + 8) === b.readUInt32LE(data + 12)) named.add(b.readUInt32LE(data + 12));
        break;
      case PROC_EVENT.EXEC:
      case PROC_EVENT.UID:
      case PROC_EVENT.COMM:
      case PROC_EVENT.EXIT:
        // pid, tgid of any thread: the group leader's status is what /proc lists, read again whichever thread
        // changed (a thread's own uid or command leaves it as it was; its exit may end the group).
        named.add(b.readUInt32LE(data + 4));
        break;
      case PROC_EVENT.NONE: // a listener's acknowledgement
      case PROC_EVENT.GID:
      case PROC_EVENT.SID:
      case PROC_EVENT.PTRACE:
      case PROC_EVENT.COREDUMP:
      case PROC_EVENT.NONZERO_EXIT:
        break;
      default:
        doubt ??= `an event of unknown kind 0x${what.toString(16)}`;
    }
    return doubt;
  });
}

/**
 * Calls `each` with the offset of every process-connector message in the first `length` bytes of `b`: the gravest
 * doubt any call returns, or one for a message that is not a whole event.
 */
function forEachEvent(b: Buffer, length: number, each: (at: number) => string | null): string | null {
  let doubt: string | null = null;
  for (let at = 0; at + NLMSG_HEADER <= length; ) {
    const size = b.readUInt32LE(at);
    if (size < NLMSG_HEADER || at + size > length) return graver(doubt, 'a message cut short');
    const type = b.readUInt16LE(at + 4);
    if (type === NLMSG_DONE) {
      if (size < EVENT_DATA + 16) return graver(doubt, 'a message cut short');
      if (b.readUInt32LE(at + CN_MSG) === CN_IDX_PROC && b.readUInt32LE(at + CN_MSG + 4) === CN_VAL_PROC) doubt = graver(doubt, each(at));
    } else if (type !== NLMSG_NOOP) {
      doubt = graver(doubt, type === NLMSG_ERROR ? 'an error message' : `a message of type ${type}`);
    }
    at += (size + 3) & ~3;
  }
  return doubt;
}
