// The pins' processes (per real uid: how many, and the first few by pid with their command) kept between polls.
// /proc/PID/status is the only place a process's real uid and command show (a process may change either with no
// other sign), and reading every process's each poll was 2.0-2.5 ms of kernel time at ~116 processes. As root,
// the kernel's process-events connector (procEvents.ts) names every process whose uid, command or existence
// changed, and only those are read again; everything else keeps its last answer. Exact, because:
//  - any doubt (the socket overflowed, a sequence gap, an error, the first read) reads every status file;
//  - what no event reports is read every poll: a process that died but is not yet reaped (/proc still lists a
//    zombie; its reaping sends nothing). Kernel threads' names change with no event too (the kernel composes a
//    workqueue worker's `Name:` as it reads, and names a new kernel thread after its fork), but pins do not list
//    kernel threads (pinEnvironment.ts ProcessTally), only count them, and their existence and uid send events;
//  - the events' pids are checked to be /proc's at subscription (procEvents.ts).
// Anywhere else (not root, no connector, another pid namespace) every status file is read each poll, as before.
import { readdirSync } from 'node:fs';
import type { ProcessRef } from '../../shared/snapshot';
import { isPid, newTally, processesByRealUid, readProcessStatus, tallyOne, type ProcessesByUid, type ProcessStatus } from './pinEnvironment';
import { ProcEvents, type ProcEventsOptions } from './procEvents';

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
    const processes = this.tally();
    this.lastFilesRead = read.size;
    this.lastRead = this.lastReadAll
      ? `process events (${messages}): every status file (${read.size}), ${why ?? 'most processes named'}`
      : `process events (${messages}): ${read.size} status files of ${this.known.size}`;
    return processes;
  }

  close(): void {
    this.events?.close();
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

  /** Reads one status again into `known`. */
  private readOne(pid: number, read: Set<number>): void {
    read.add(pid);
    const now = readProcessStatus(this.dir, pid);
    if (now === null) {
      if (this.known.delete(pid)) this.order = null;
      return;
    }
    if (!this.known.has(pid)) this.order = null;
    this.known.set(pid, now);
  }

  /** Counts and lists from `known`. */
  private tally(): ProcessesByUid {
    const order = (this.order ??= [...this.known.keys()].sort((a, b) => a - b));
    const tally = newTally<ProcessRef>();
    for (const pid of order) {
      const status = this.known.get(pid) as ProcessStatus;
      tallyOne(tally, status.uid, status.kernelThread, () => ({ pid, command: status.command }));
    }
    return tally;
  }
}
