// The live engine's cost, as CPU time (the machine may be shared: wall time would measure the neighbours):
//  - the floor: one raw /proc/keys read by a process that joined an empty session keyring (possesses nothing);
//  - an idle 1 Hz poll, serve's own stack in this process (worker source, service, WebSocket server), with no
//    client and with one client connected;
//  - a poll that finds one key changed (setperm between polls) plus its delta reaching the client.
// Each figure is this process's CPU (all its threads: the scan worker and the reader are threads of it)
// over a run of polls, divided by the polls counted.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import type { ScanStats } from '../shared/api';
import type { Snapshot } from '../shared/snapshot';
import { forgetUserKeys } from '../electron/keyring/forgetUserKeys';
import * as keyctl from '../electron/keyring/keyctl';
import type { PollReport, SelfPollingSource } from '../electron/keyring/source';
import type { PollCell } from '../electron/threads/pollCell';
import { startServer } from '../electron/serve/server';
import { createWorkerSnapshotSource, type WorkerSnapshotSource } from '../electron/threads/scanThread';
import type { ScanScope } from '../shared/snapshot';
import { within } from './bounded';
import { median } from './table';

/** CPU ms of this process so far (user + system, every thread). */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * CPU ms so far of each thread of this process, by thread id: its time on a CPU (schedstat, ns), or where the kernel
 * keeps no scheduler statistics its user + system ticks (stat, 10 ms each).
 */
export function threadCpu(): Map<number, number> {
  const byThread = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      byThread.set(Number(tid), Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      try {
        // Fields after the command (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
        const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        byThread.set(Number(tid), (Number(f[11]) + Number(f[12])) * 10);
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return byThread;
}

/** CPU ms per poll on each side of serve's stack (PollCost.threads). */
export interface ThreadShares {
  /** The event loop: the service, the WebSocket server and client, the source applying deltas. */
  main: number;
  /** The scan worker (scanWorker.ts): member lists, pins, the quiet poll. */
  scan: number;
  /** The reader worker (readerWorker.ts): /proc/keys and /proc/key-users, the byte comparison. */
  reader: number;
  /** Every other thread: V8's (garbage collection, compilation) and libuv's pool. */
  other: number;
}

/**
 * CPU ms of one raw /proc/keys read (bytes only, no decoding) by a fresh process in an empty session keyring
 * of its own that denies SEARCH, as the reader's (credentials.ts joinReaderSession): what the kernel charges any poll, the floor (`reused`). Read as the reader thread reads it, into a
 * reused buffer in one read call (procFileBytes.ts). `readFileSync` is the same read by readFileSync, the floor of
 * earlier tables: for a file of size 0 it reads 64 KiB at a time into fresh buffers and copies them together,
 * which is Node's cost, not the kernel's (1.2-2x the reused buffer's at 10k keys here). Each is the mean of `reads`
 * reads, the two alternating in rounds, after a warm-up.
 */
export function rawReadCpu(root: string, reads: number): { reused: number; readFileSync: number } {
  const dist = join(root, 'dist', 'electron');
  const script = `
    const { AlternatingReads } = require(${JSON.stringify(join(dist, 'threads', 'procFileBytes.js'))});
    const { readFileSync } = require('node:fs');
    require(${JSON.stringify(join(dist, 'threads', 'credentials.js'))}).joinReaderSession();
    const bytes = new AlternatingReads();
    const ways = { reused: () => bytes.read('/proc/keys'), readFileSync: () => readFileSync('/proc/keys') };
    const spent = { reused: 0, readFileSync: 0 };
    for (const read of Object.values(ways)) { read(); read(); }
    const rounds = Math.max(1, Math.round(${reads} / 5));
    for (let r = 0; r < rounds; r++) {
      for (const [name, read] of Object.entries(ways)) {
        const c0 = process.cpuUsage();
        for (let i = 0; i < 5; i++) read();
        const c = process.cpuUsage(c0);
        spent[name] += (c.user + c.system) / 1000 / (rounds * 5);
      }
    }
    process.stdout.write(JSON.stringify(spent));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raw read failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { reused: number; readFileSync: number };
}

/**
 * CPU ms of the kernel's work an exact idle poll cannot do without beside the raw /proc/keys read, in a fresh process
 * in this one's session keyring (it possesses what the poll's scan thread possesses): `lists`, KEYCTL_READ of each of
 * `keyrings` (those a scan read: a poll reads each one again, as no /proc/keys line vouches for a member list), the
 * calls alone; `processes`, the pins' process reads as a poll makes them (ProcessWatch: as root only the status files
 * the process-events connector names and those it cannot, else every process's), with how many files the last read.
 * Each the mean of `rounds` rounds after a warm-up.
 */
export function pollCallsCpu(root: string, keyrings: readonly number[], rounds: number): { lists: number; keyrings: number; processes: number; files: number } {
  const dist = join(root, 'dist', 'electron');
  const script = `
    const k = require(${JSON.stringify(join(dist, 'keyring', 'keyctl.js'))});
    const { ProcessWatch } = require(${JSON.stringify(join(dist, 'keyring', 'processWatch.js'))});
    const rings = ${JSON.stringify(keyrings)};
    const last = new Map();
    for (const id of rings) { try { last.set(id, k.memberBytes(k.readKeyringMembers(id))); } catch {} }
    const readable = [...last.keys()];
    const watch = new ProcessWatch('/proc');
    const ways = {
      lists: () => { for (const id of readable) { try { k.readKeyringMembersUnlessSame(id, last.get(id)); } catch {} } },
      processes: () => watch.read(),
    };
    const spent = { lists: 0, processes: 0 };
    for (const way of Object.values(ways)) { way(); way(); }
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let r = 0; r < ${rounds}; r++) {
      // A poll's pace: the connector's events since the last read are what the next one reads again.
      Atomics.wait(pause, 0, 0, 100);
      for (const [name, way] of Object.entries(ways)) {
        const c0 = process.cpuUsage();
        way();
        const c = process.cpuUsage(c0);
        spent[name] += (c.user + c.system) / 1000 / ${rounds};
      }
    }
    process.stdout.write(JSON.stringify({ ...spent, keyrings: readable.length, files: watch.lastFilesRead }));
    watch.close();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the poll's calls failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { lists: number; keyrings: number; processes: number; files: number };
}

/**
 * CPU ms of the raw reads an `all` poll cannot do without (bytes only, no decoding, into reused buffers): one
 * /proc/keys read in an empty session keyring that denies SEARCH (as the reader's and the user-view thread's), then
 * one as each other uid /proc/key-users lists (its fsuid, fsgid and groups, as the user-view thread takes them; a uid
 * with this process's own credentials sees what the first read saw), in a fresh process; the kernel walks every key
 * for each of them. Per round, over `rounds` rounds after one warm-up. Also says how many uids it read as.
 */
export function rawViewReadsCpu(root: string, rounds: number): { cpu: number; uids: number } {
  const dist = join(root, 'dist', 'electron');
  const script = `
    const c = require(${JSON.stringify(join(dist, 'threads', 'credentials.js'))});
    const { parseKeyUsers } = require(${JSON.stringify(join(dist, 'keyring', 'keyUsers.js'))});
    const { readFileSync } = require('node:fs');
    c.joinReaderSession();
    const own = c.threadIds();
    const mine = { uid: own.fsuid, gid: own.fsgid, groups: own.groups };
    const creds = (uid) => { try { return c.userCredentials(uid); } catch { return { uid, gid: 65534, groups: [] }; } };
    const key = (u) => [u.uid, u.gid, [...new Set([u.gid, ...u.groups])].sort((a, b) => a - b).join()].join(':');
    // Whose credentials to read as, worked out before the timing: only the reads and the switches are timed.
    const others = parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.map((q) => creds(q.uid)).filter((u) => key(u) !== key(mine));
    // Into buffers kept from round to round, one pair per view, as the reader and the user-view thread read.
    const { AlternatingReads } = require(${JSON.stringify(join(dist, 'threads', 'procFileBytes.js'))});
    const reads = [mine, ...others].map(() => new AlternatingReads());
    const round = () => {
      reads[0].read('/proc/keys');
      others.forEach((u, i) => { c.takeCredentials(u); reads[i + 1].read('/proc/keys'); c.takeCredentials(mine); });
    };
    round();
    const c0 = process.cpuUsage();
    const uids = others.length;
    for (let i = 0; i < ${rounds}; i++) round();
    const t = process.cpuUsage(c0);
    process.stdout.write(JSON.stringify({ cpu: (t.user + t.system) / 1000 / ${rounds}, uids }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raw view reads failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { cpu: number; uids: number };
}

/**
/**
 * How long a poll may take before the bench gives up on it: serve's polls of 121k keys took up to 26 s at load 18
 * (README, flood), a first full scan longer.
 */
const SCAN_STALL_MS = 180_000;
/** Scans failing this many times in a row end the bench's wait (one failure is a scan thread replaced, and retried). */
const SCAN_FAILURES_TO_GIVE_UP = 3;
/** How long connecting the bench's client to serve may take (a local socket). */
const CONNECT_MS = 30_000;

/**
 * The worker source, whose polls the bench counts (its PollCell: the scan thread polls on its own timer and the main
 * thread hears only of polls that changed something), and which lets the bench act after each poll it reports.
 */
class CountingSource implements SelfPollingSource {
  /** Called after each poll reported to the main thread (with a change made after each, every poll is reported). */
  afterScan: (() => void) | null = null;
  private failedInARow = 0;
  /** When (epoch ms) the last failure was reported or the last wait began: with the cell's last poll, a stall's start. */
  private stallFrom = 0;
  /** Ends the waits in progress (after) with the reason given. */
  private waits = new AbortController();
  constructor(private readonly inner: WorkerSnapshotSource) {}
  get polls(): PollCell {
    return this.inner.polls;
  }
  scan(): Promise<Snapshot> {
    return this.scanReport().then((r) => r.snapshot);
  }
  async scanReport(): Promise<PollReport> {
    const r = await this.counted(this.inner.scanReport());
    this.afterScan?.();
    return r;
  }
  async pollUntilReport(everyMs: number, wakeAt: number): Promise<PollReport | null> {
    const r = await this.counted(this.inner.pollUntilReport(everyMs, wakeAt));
    if (r !== null) this.afterScan?.();
    return r;
  }
  stopPolling(): void {
    this.inner.stopPolling();
  }
  lastPoll(): ScanStats | null {
    return this.inner.lastPoll();
  }
  /**
   * Resolves once `n` more polls have finished; rejects when scans keep failing or none ends for SCAN_STALL_MS. It
   * sleeps through the first n − 1 intervals (n polls take longer) and only then waits on the cell, whose every poll
   * would wake this thread: the bench's waiting costs the measured window one or two wakes, not one a poll (the
   * stall's watchdog wakes it once in SCAN_STALL_MS).
   */
  async after(n: number, intervalMs: number): Promise<void> {
    const target = this.inner.polls.counts().polls + n;
    const { signal } = this.waits;
    this.stallFrom = Date.now();
    const watchdog = (): NodeJS.Timeout =>
      setTimeout(() => {
        const last = this.inner.polls.lastScan();
        const since = Math.max(this.stallFrom, last === null ? 0 : last.takenAt + last.durationMs);
        if (Date.now() - since >= SCAN_STALL_MS) this.giveUp(`no scan ended for ${SCAN_STALL_MS / 1000} s (${this.inner.polls.counts().polls} polls done)`);
        else timer = watchdog();
      }, SCAN_STALL_MS).unref();
    let timer = watchdog();
    try {
      await new Promise<void>((resolve, reject) => {
        const slept = setTimeout(resolve, Math.max(0, n - 1) * intervalMs);
        signal.addEventListener('abort', () => (clearTimeout(slept), reject(signal.reason as Error)), { once: true });
      });
      await this.inner.polls.reached(target, signal);
    } catch (err) {
      throw new Error(`the polls waited for (up to ${target}) did not come: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
  close(): Promise<void> {
    this.giveUp('the source was closed');
    return this.inner.close();
  }
  /** A failure reported (a failed poll reaches this thread at once); the next poll after one is always reported. */
  private async counted<T>(answer: Promise<T>): Promise<T> {
    try {
      const r = await answer;
      this.failedInARow = 0;
      return r;
    } catch (err) {
      this.stallFrom = Date.now();
      if (++this.failedInARow >= SCAN_FAILURES_TO_GIVE_UP) {
        this.giveUp(`the scans failed ${this.failedInARow} times in a row (the last: ${err instanceof Error ? err.message : String(err)})`);
      }
      throw err;
    }
  }
  private giveUp(why: string): void {
    this.waits.abort(new Error(why));
    this.waits = new AbortController();
  }
}

export interface PollCost {
  /** CPU ms per poll. */
  cpu: number;
  /** Share of one core at this interval. */
  share: number;
  /** Wall ms per poll, interval included (shared machine: indicative only). */
  wall: number;
  /** Deltas the client received during the measured polls (one client only). */
  deltas: number;
  /** Measured polls that applied only what changed (the rest scanned in full: something they cannot apply changed). */
  changesOnly: number;
  /** Measured polls the scan thread reported to the main thread (the others woke no other thread). */
  reported: number;
  /** Median CPU ms of the measured scans that applied only the changes, and of the full ones (NaN: none). */
  changesOnlyScanCpu: number;
  fullScanCpu: number;
  /** `cpu` by thread. */
  threads: ThreadShares;
}

export interface PollRun {
  polls: number;
  clients: 0 | 1;
  /** A key to change before every poll (setperm, alternating), or null for an idle run. */
  changeKey: number | null;
  /** The two permissions it alternates between, the first its own (default 0x3f010000, the kernel's, and 0x3f030000). */
  changePerms?: readonly [number, number];
  /** Instead of the permission, this change of the key (given which change it is: 0, 1, 2, ...). */
  change?: (n: number) => void;
  intervalMs?: number;
  scope?: ScanScope;
}

/**
 * Polls before the measured ones: V8 compiles the poll's code (in each of the three threads) over its first polls,
 * and an app left open is long past that (on this shared machine a quiet 10k poll measured 1.5–3× more after 3 polls than after 15).
 */
export const LIVE_WARM_UP_POLLS = Number(process.env.BENCH_LIVE_WARM_UP ?? 15);

/** serve's stack in this process, polling at 1 Hz; CPU per poll over `polls` polls after LIVE_WARM_UP_POLLS. */
export async function pollCost(root: string, run: PollRun): Promise<PollCost> {
  const intervalMs = run.intervalMs ?? 1000;
  // The threads the source starts are the ones not here before it: the scan worker first, then the reader it starts.
  const before = new Set(threadCpu().keys());
  const source = new CountingSource(createWorkerSnapshotSource(run.scope ? { scope: run.scope } : {}));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs,
    allowActions: false,
    source,
    staticDir: join(root, 'dist', 'renderer'),
  });
  let ws: WebSocket | null = null;
  let deltas = 0;
  try {
    if (run.clients === 1) {
      const u = new URL(server.url);
      ws = new WebSocket(`ws://${u.host}/ws?token=${encodeURIComponent(server.token)}`, { origin: `http://${u.host}` });
      const socket = ws;
      let lost: (why: string) => void = () => {};
      const closed = new Promise<never>((_, reject) => (lost = (why) => reject(new Error(`the bench's client lost serve: ${why}`))));
      closed.catch(() => undefined); // reported by whichever wait it ends
      socket.once('close', (code) => lost(`closed (${code})`));
      socket.once('error', (err) => lost(err.message));
      await within(Promise.race([new Promise<void>((resolve) => socket.once('open', () => resolve())), closed]), CONNECT_MS, "the bench client's connection to serve");
      let answered: (m: { error?: { message?: string } }) => void = () => {};
      const snapshotArrived = new Promise<{ error?: { message?: string } }>((resolve) => (answered = resolve));
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id?: number; event?: { type?: string }; error?: { message?: string } };
        if (m.event?.type === 'delta') deltas++;
        if (m.id === 1) answered(m);
      });
      // What the page does first: the state so far.
      socket.send(JSON.stringify({ id: 1, method: 'getSnapshot', args: [] }));
      const failed = (await within(Promise.race([snapshotArrived, closed]), SCAN_STALL_MS, "the bench client's first snapshot (getSnapshot)")).error;
      if (failed) throw new Error(`the bench client's first snapshot failed: ${failed.message ?? 'no reason given'}`);
      // The message listener held `answered`, the promise's resolve, and through it the promise and its value: the
      // client's whole parsed snapshot stayed alive through the measured polls (40k keys' objects in this heap,
      // which every collection of serve's garbage then visited, counted as serve's).
      answered = () => {};
    }
    // The bench's own garbage is not a poll's: building the keys, earlier runs, and (one client) the client's copy of
    // the whole snapshot, parsed in this process where a browser would hold it. V8 collected it during the measured
    // polls (a mark-compact of this heap, or the memory reducer's two or three after the work stops, ≈ 8 s apart):
    // at 10k keys with one client, 16 ms of main thread and 34 ms of V8's threads a poll where no client measured
    // 3.7 and 5.9 (load 12-15). Collected once here, before the warm-up; serve's own garbage from then on stays in.
    collectGarbage();
    if (run.changeKey !== null) {
      const key = run.changeKey;
      const [own, other] = run.changePerms ?? [0x3f010000, 0x3f030000];
      // By default each change sets the permission the key does not have (it was made with `own`).
      const startsOwn = keyctl.describe(key).perm === own;
      const change = run.change ?? ((n: number) => keyctl.setPerm(key, (n % 2 === 0) === startsOwn ? other : own));
      let n = 0;
      source.afterScan = () => change(n++);
      // The first change, made here: the scan thread reports only a poll that changed something (session 13), so the
      // chain of a change after each reported poll starts only from one. Without it a quiet machine's "changed" runs
      // changed nothing (session 15: 0 and 1 deltas in 30 polls; before, another process's change started it, and
      // the first of the alternating permissions was the key's own: a first change that changed nothing).
      source.afterScan();
    }
    await source.after(LIVE_WARM_UP_POLLS, intervalMs);
    const [scanTid, readerTid] = [...threadCpu().keys()].filter((t) => !before.has(t)).sort((a, b) => a - b);
    deltas = 0;
    const counts0 = source.polls.counts();
    const threads0 = threadCpu();
    const c0 = cpuMs();
    const t0 = performance.now();
    await source.after(run.polls, intervalMs);
    const cpu = (cpuMs() - c0) / run.polls;
    const wall = (performance.now() - t0) / run.polls;
    const threads1 = threadCpu();
    const spent = (tid: number | undefined): number => (tid === undefined ? 0 : ((threads1.get(tid) ?? 0) - (threads0.get(tid) ?? 0)) / run.polls);
    const [main, scan, reader] = [spent(process.pid), spent(scanTid), spent(readerTid)];
    let all = 0;
    for (const tid of threads1.keys()) all += spent(tid);
    source.afterScan = null;
    const med = (v: number[]): number => (v.length === 0 ? NaN : median(v));
    const counts = source.polls.counts();
    const byPath = source.polls.cpuSince(counts0.polls);
    return {
      cpu,
      share: cpu / wall,
      wall,
      deltas,
      changesOnly: counts.changesOnly - counts0.changesOnly,
      reported: counts.reported - counts0.reported,
      changesOnlyScanCpu: med(byPath.filter((p) => p.changesOnly).map((p) => p.cpu)),
      fullScanCpu: med(byPath.filter((p) => !p.changesOnly).map((p) => p.cpu)),
      threads: { main, scan, reader, other: Math.max(0, all - main - scan - reader) },
    };
  } finally {
    ws?.close();
    await server.close();
  }
}

/** A full garbage collection of this thread's heap (the main thread's: the worker threads keep theirs). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** `node -e 0`: what starting Node costs before any of our code (CPU ms, median of `runs`). */
export function nodeStartCpu(runs: number): number {
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '@@cpu %U %S', process.execPath, '-e', '0'], { encoding: 'utf8' });
    const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (m) cpus.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  cpus.sort((a, b) => a - b);
  return cpus[cpus.length >> 1] ?? NaN;
}

/**
 * Where one `snapshot --json` spends its time (KEYRING_BROWSER_TRACE): each phase's end in ms since the
 * process started, as the CLI prints them.
 */
export function snapshotPhases(root: string, args: string[] = []): { label: string; at: number }[] {
  // Its JSON goes where the timed runs' goes (nowhere). Into a pipe, the last phase also measured this process
  // reading it: "json written" at 40k keys 66 against 55 ms (medians of 8 alternating runs, load 1-2).
  const r = spawnSync(process.execPath, [join(root, 'bin', 'keyring-browser'), 'snapshot', '--json', ...args], {
    env: { ...process.env, KEYRING_BROWSER_TRACE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const phases: { label: string; at: number }[] = [];
  for (const line of (r.stderr ?? '').split('\n')) {
    // "<phase> <ms> ms, process CPU <ms> ms, <n> page faults (<ms> ms since start)", or "exit <ms> ms since start".
    const m = /^(.*?) (?:[\d.]+ ms, process CPU [\d.]+ ms, \d+ page faults \()?(\d+) ms since start\)?$/.exec(line);
    if (m) phases.push({ label: m[1] as string, at: Number(m[2]) });
  }
  return phases;
}

/**
 * Throwaway users for the system view's bench (removed by `remove`), each owning one key so /proc/key-users lists
 * it. The key is made in this process's session keyring and chowned to the user, so its user keyrings are never
 * made: `_uid.N` and `_uid_ses.N` would be links in root's `.user_reg` that the collector removes without giving
 * their 8 bytes back, charged to root until reboot (30 users a bench run).
 */
export class ThrowawayUsers {
  readonly uids: number[] = [];
  readonly gids: number[] = [];
  /** The key each user owns (in this process's session keyring): a tree built there must leave them. */
  readonly keyIds: number[] = [];
  private readonly names: string[] = [];

  constructor(count: number) {
    try {
      for (let i = 0; i < count; i++) {
        const name = `kbb${process.pid % 100000}u${i}`;
        const made = spawnSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
        if (made.status !== 0) throw new Error(`useradd ${name} failed: ${made.stderr}`);
        this.names.push(name);
        const ids = spawnSync('id', [name], { encoding: 'utf8' }).stdout;
        const uid = Number(/uid=(\d+)/.exec(ids)?.[1]);
        this.uids.push(uid);
        this.gids.push(Number(/gid=(\d+)/.exec(ids)?.[1]));
        // Named for the user: add_key with a description the keyring already holds updates that key instead.
        const key = keyctl.addKey('user', `kb-bench-${name}`, Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
        // Every right to its owner, so that forgetUserKeys (as the user) may invalidate it; view to its group (root's:
        // it was made by root), so the scans' reader, which possesses nothing, lists it: a key only a possessor may
        // view costs a scan the possessing side's own /proc/keys read (keys x keyrings: 3.5 s at 40k keys) and
        // makes every poll a full scan.
        keyctl.setPerm(key, 0x3f3f0100);
        keyctl.chown(key, uid, -1);
        this.keyIds.push(key);
      }
    } catch (err) {
      this.remove();
      throw err;
    }
  }

  remove(): void {
    for (const [i, name] of this.names.entries()) {
      try {
        forgetUserKeys(this.uids[i] as number);
      } catch {
        // the user is going anyway
      }
      spawnSync('userdel', [name]);
    }
    this.names.length = 0;
  }
}

/** Root-owned keys a user's group may view and read: user `u` of `users` sees the keyrings r with r % users === u and their keys. */
export const GROUP_VIEW_PERM = 0x3f3f0b00;
