// The pins' processes (per real uid: how many, and the first few by pid with their command) kept between polls.
// /proc/PID/status is the only place a process's real uid and command show (a process may change either with no
// other sign), and reading every process's each poll was 2.0-2.5 ms of kernel time at ~116 processes. As root,
// the kernel's process-events connector (procEvents.ts) names every process whose uid, command or existence
// changed, and only those are read again; everything else keeps its last answer. Exact, because:
//  - any doubt (the socket overflowed, a sequence gap, an error, the first read) reads every status file;
//  - what no event reports is read every poll: a process that died but is not yet reaped (/proc still lists a
//    zombie; its reaping sends nothing), and the listed kernel threads, whose command the kernel composes as it
//    reads (a workqueue worker's `Name:` ends with the work it last ran) or sets without an event (a new
//    kernel thread is named after its fork); root's first 20 by pid are nearly all kernel threads, so their
//    comm files (the name alone) are kept open and read again from the start (readCommandFrom);
//  - the events' pids are checked to be /proc's at subscription (procEvents.ts).
// Anywhere else (not root, no connector, another pid namespace) every status file is read each poll, as before.
import { closeSync, openSync, readdirSync } from 'node:fs';
import type { ProcessRef } from '../../shared/snapshot';
import { isPid, processesByRealUid, readCommandFrom, readProcessStatus, tallyOne, type ProcessesByUid, type ProcessStatus } from './pinEnvironment';
import { ProcEvents, type ProcEventsOptions } from './procEvents';

/** kthreadd's pid in the initial pid namespace: the parent of every other kernel thread. */
const KTHREADD = 2;

export class ProcessWatch {
  private readonly dir: string;
  /** The subscription (null: status files only; undefined: not tried yet). */
  private events: ProcEvents | null | undefined = undefined;
  /** Why the status files are read (set when events is null). */
  private unavailable = '';
  /** Every process's last answer, by pid (valid once `primed`). */
  private readonly known = new Map<number, ProcessStatus>();
  /** known's pids in ascending order (null: to be sorted again). */
  private order: number[] | null = null;
  /** Whether every status file was read since the subscription. */
  private primed = false;
  private readonly named = new Set<number>();
  /**
   * Descriptors of the listed kernel threads' comm files, read every poll (readCommandFrom). Opened through node:fs,
   * so Node closes them if the thread ends with them open (heldDescriptors.ts says why they are not said held).
   */
  private readonly held = new Map<number, number>();
  /** What the last read did, in words (KEYRING_BROWSER_TRACE). */
  lastRead = 'nothing yet';
  /** Status files read by the last read (tests and the trace). */
  lastFilesRead = 0;
  /** Whether the last read read every status file. */
  lastReadAll = false;

  constructor(
    procRoot: string,
    private readonly options: ProcEventsOptions = {},
  ) {
    this.dir = procRoot.endsWith('/') ? procRoot : `${procRoot}/`;
  }

  /** Whether reads use the connector (subscribing on the first call). */
  usesEvents(): boolean {
    if (this.events === undefined) {
      const opened = ProcEvents.open(this.dir.slice(0, -1) || '/', this.options);
      this.events = typeof opened === 'string' ? null : opened;
      this.unavailable = typeof opened === 'string' ? opened : '';
    }
    return this.events !== null;
  }

  /** Why the connector is not used ('' when it is). */
  get why(): string {
    this.usesEvents();
    return this.unavailable;
  }

  /** The processes now, as processesByRealUid would read them. */
  read(): ProcessesByUid {
    if (!this.usesEvents()) {
      this.lastRead = `every status file (process events: ${this.unavailable})`;
      this.lastReadAll = true;
      this.lastFilesRead = -1;
      return processesByRealUid(this.dir);
    }
    const named = this.named;
    named.clear();
    const { messages, doubt } = (this.events as ProcEvents).drain(named);
    const why = this.primed ? doubt : 'the first read';
    const read = new Set<number>();
    this.lastReadAll = why !== null || named.size > this.known.size / 2;
    if (this.lastReadAll) {
      this.readAll(read);
    } else {
      for (const pid of named) this.readOne(pid, read);
      // What no event reports: the end of a zombie.
      for (const [pid, status] of this.known) if (status.dead && !read.has(pid)) this.readOne(pid, read);
    }
    const processes = this.tally(read);
    this.lastFilesRead = read.size;
    this.lastRead = this.lastReadAll
      ? `process events (${messages}): every status file (${read.size}), ${why ?? 'most processes named'}`
      : `process events (${messages}): ${read.size} status files of ${this.known.size}`;
    return processes;
  }

  close(): void {
    this.events?.close();
    for (const fd of this.held.values()) closeSync(fd);
    this.held.clear();
  }

  private readAll(read: Set<number>): void {
    let entries: string[];
    try {
      entries = readdirSync(this.dir);
    } catch {
      entries = [];
    }
    this.known.clear();
    this.order = null;
    for (const entry of entries) if (isPid(entry)) this.readOne(Number(entry), read);
    this.primed = true;
  }

  /** Reads one status again into `known`; whether its uid or existence changed. */
  private readOne(pid: number, read: Set<number>): boolean {
    read.add(pid);
    const now = readProcessStatus(this.dir, pid);
    const before = this.known.get(pid);
    if (now === null) {
      if (before === undefined) return false;
      this.known.delete(pid);
      this.order = null;
      return true;
    }
    this.known.set(pid, now);
    if (before === undefined) this.order = null;
    return before?.uid !== now.uid;
  }

  /** Opens the process's comm file and keeps it; undefined when it is gone. */
  private hold(pid: number): number | undefined {
    try {
      const fd = openSync(`${this.dir}${pid}/comm`, 'r');
      this.held.set(pid, fd);
      return fd;
    } catch {
      return undefined;
    }
  }

  private release(pid: number): void {
    const fd = this.held.get(pid);
    if (fd === undefined) return;
    this.held.delete(pid);
    closeSync(fd);
  }

  /**
   * Counts and lists from `known`, reading the listed kernel threads again first (those not read this poll):
   * when one of them went or changed uid, the lists are chosen again.
   */
  private tally(read: Set<number>): ProcessesByUid {
    for (;;) {
      const order = (this.order ??= [...this.known.keys()].sort((a, b) => a - b));
      const counts = new Map<number, number>();
      const listed = new Map<number, number[]>();
      for (const pid of order) tallyOne(counts, listed, (this.known.get(pid) as ProcessStatus).uid, () => pid);
      let again = false;
      const kernelThreads = new Set<number>();
      for (const pids of listed.values()) {
        for (const pid of pids) {
          const status = this.known.get(pid) as ProcessStatus;
          if (!(status.ppid === KTHREADD || pid === KTHREADD)) continue;
          kernelThreads.add(pid);
          if (read.has(pid)) continue;
          // Its command only: its uid and its end send events. Through a comm file kept open; the status file
          // when that is gone (whoever has the pid now).
          read.add(pid);
          const fd = this.held.get(pid) ?? this.hold(pid);
          const command = fd === undefined ? null : readCommandFrom(fd);
          if (command === null) {
            this.release(pid);
            if (this.readOne(pid, read)) again = true;
          } else if (command !== status.command) {
            this.known.set(pid, { ...status, command });
          }
        }
      }
      if (again) continue;
      for (const pid of this.held.keys()) if (!kernelThreads.has(pid)) this.release(pid);
      const lists = new Map<number, ProcessRef[]>();
      for (const [uid, pids] of listed) lists.set(uid, pids.map((pid) => ({ pid, command: (this.known.get(pid) as ProcessStatus).command })));
      return { counts, lists };
    }
  }
}
