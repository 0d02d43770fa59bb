// ProcessWatch against the kernel (as root): whatever processes do to their uid, command or existence, the watch's
// answer equals a full read of every /proc/PID/status. Root sees every process on the machine, other engineers'
// tests among them, so each comparison is a full read, the watch's read, and a full read again: when the two full
// reads agree, the watch's must too (a change the watch misses stays missed, so it fails every try; a change that
// falls between two reads passes the next). The test's own processes run as uids nothing else uses.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { processesByRealUid, readProcessStatus, type ProcessesByUid } from './pinEnvironment';
import { ProcessWatch } from './processWatch';

/** Uids no other process uses: above any system's, different per test process. */
const BASE_UID = 4_000_000_000 + (process.pid % 100_000) * 8;
const [LEADER_UID, THREAD_UID, SETPRIV_UID] = [BASE_UID, BASE_UID + 1, BASE_UID + 2];

const watches: ProcessWatch[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const w of watches.splice(0)) w.close();
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function watch(options?: ConstructorParameters<typeof ProcessWatch>[1]): ProcessWatch {
  const w = new ProcessWatch('/proc', options);
  watches.push(w);
  return w;
}

function text(p: ProcessesByUid): string {
  const byUid = <T,>(m: ReadonlyMap<number, T>) => [...m].sort((a, b) => a[0] - b[0]);
  return JSON.stringify({ counts: byUid(p.counts), lists: byUid(p.lists), kernelThreads: byUid(p.kernelThreads) });
}

/** Reads until a full read, the watch's read and a full read agree (deadline 15 s); the watch's answer. */
function expectSameAsFullRead(w: ProcessWatch): ProcessesByUid {
  const deadline = Date.now() + 15_000;
  let last = '';
  for (let tries = 0; Date.now() < deadline; tries++) {
    const before = text(processesByRealUid('/proc'));
    const answer = w.read();
    const watched = text(answer);
    const after = text(processesByRealUid('/proc'));
    if (before === after && watched === before) return answer;
    if (before === after) last = `try ${tries}: the watch read\n${watched}\nwhere twice every status file read\n${before}`;
  }
  throw new Error(`the watch never agreed with a full read: ${last || 'the machine never stood still'}`);
}

/** Reads until one read is not a full one (each CPU's first event is a doubt): the watch is primed. */
function primed(w: ProcessWatch): void {
  expect(w.usesEvents()).toBe(true);
  expect(w.why).toBe('');
  w.read();
  expect(w.lastReadAll).toBe(true);
  expect(w.lastRead).toMatch(/the first read/);
  const deadline = Date.now() + 15_000;
  for (let i = 0; Date.now() < deadline; i++) {
    // Events, on whichever CPU, every other read (a tiny receive buffer overflows with one process's).
    if (i % 2 === 0) spawnSync('true');
    w.read();
    if (!w.lastReadAll) return;
  }
  throw new Error(`every read read every status file: ${w.lastRead}`);
}

/** Waits (deadline 15 s) until a full read says `check` holds. */
async function untilFullRead(check: (p: ProcessesByUid) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check(processesByRealUid('/proc'))) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A node process that takes commands on stdin and answers "ok" once each is done: its leader or one of its other
 * threads renames itself or changes its uids (a raw setresuid changes the calling thread's only).
 */
const PUPPET = `
const { Worker } = require('node:worker_threads');
const koffi = require('koffi');
const lib = koffi.load('libc.so.6');
const SETRESUID = { x64: 117, arm64: 147 }[process.arch];
const setresuid = lib.func('long syscall(long nr, long r, long e, long s)');
const prctl = lib.func('int prctl(int option, void *name, long a, long b, long c)');
const worker = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  const koffi = require('koffi');
  const setresuid = koffi.load('libc.so.6').func('long syscall(long nr, long r, long e, long s)');
  parentPort.on('message', ([what, arg]) => {
    if (what === 'comm') require('node:fs').writeFileSync('/proc/thread-self/comm', arg);
    if (what === 'setuid' && setresuid(\${SETRESUID}, arg, arg, arg) < 0) throw new Error('setresuid ' + koffi.errno());
    parentPort.postMessage('ok');
  });
\`, { eval: true });
const answer = () => process.stdout.write('ok\\n');
worker.on('message', answer);
let line = '';
process.stdin.on('data', (chunk) => {
  line += chunk;
  for (let nl = line.indexOf('\\n'); nl >= 0; nl = line.indexOf('\\n')) {
    const [who, what, arg] = JSON.parse(line.slice(0, nl));
    line = line.slice(nl + 1);
    if (who === 'thread') { worker.postMessage([what, arg]); continue; }
    if (what === 'comm') require('node:fs').writeFileSync('/proc/self/comm', arg);
    if (what === 'prctl' && prctl(15, Buffer.from(arg + '\\0'), 0, 0, 0) < 0) throw new Error('prctl ' + koffi.errno());
    if (what === 'setuid' && setresuid(SETRESUID, arg, arg, arg) < 0) throw new Error('setresuid ' + koffi.errno());
    answer();
  }
});
worker.once('online', answer);
`;

function startPuppet(): { child: ChildProcess; tell: (who: 'leader' | 'thread', what: string, arg: string | number) => Promise<void>; ready: Promise<void> } {
  const child = spawn(process.execPath, ['-e', PUPPET], { cwd: join(__dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const waiting: (() => void)[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    for (let i = 0; i < chunk.split('\n').length - 1; i++) waiting.shift()?.();
  });
  const next = () => new Promise<void>((resolve) => waiting.push(resolve));
  const ready = next();
  return {
    child,
    ready,
    tell: (who, what, arg) => {
      const done = next();
      child.stdin!.write(JSON.stringify([who, what, arg]) + '\n');
      return done;
    },
  };
}

describe('ProcessWatch with the process-events connector (root)', () => {
  it('reads again only what events name, and sees a command or real uid changed by the leader, not by a thread', async () => {
    const w = watch();
    primed(w);
    const { child, tell, ready } = startPuppet();
    await ready;
    const pid = child.pid as number;
    const listed = (p: ProcessesByUid, uid: number) => p.lists.get(uid)?.filter((r) => r.pid === pid) ?? [];

    await tell('leader', 'comm', 'kbw-written');
    expect(expectSameAsFullRead(w).lists.get(0)).toBeDefined();
    // Another thread's command and uid: the leader's status (what /proc lists) stays as it was.
    await tell('thread', 'comm', 'kbw-thread');
    await tell('thread', 'setuid', THREAD_UID);
    expect(expectSameAsFullRead(w).counts.get(THREAD_UID)).toBeUndefined();
    // The leader's real uid, with no exec and no other sign.
    await tell('leader', 'setuid', LEADER_UID);
    expect(listed(expectSameAsFullRead(w), LEADER_UID)).toEqual([{ pid, command: 'kbw-written' }]);
    // Its command by prctl(PR_SET_NAME) (as uid LEADER_UID it may no longer open its /proc files).
    await tell('leader', 'prctl', 'kbw-prctl');
    expect(listed(expectSameAsFullRead(w), LEADER_UID)).toEqual([{ pid, command: 'kbw-prctl' }]);

    child.kill('SIGKILL');
    await untilFullRead((p) => !p.counts.has(LEADER_UID), 'the puppet gone');
    expect(expectSameAsFullRead(w).counts.has(LEADER_UID)).toBe(false);
  });

  it('sees setpriv, a fork, an exec, an exit, and the zombie it leaves until it is reaped (which no event says)', async () => {
    const w = watch();
    primed(w);
    // setpriv changes uid and execs sh; sh forks a sleep that exits and execs a sleep that never reaps it.
    const parent = spawn('setpriv', [`--reuid=${SETPRIV_UID}`, `--regid=${SETPRIV_UID}`, '--clear-groups', 'sh', '-c', 'sleep 0.3 & exec sleep 60'], { stdio: 'ignore' });
    children.push(parent);
    const two = (p: ProcessesByUid) => p.counts.get(SETPRIV_UID) === 2 && p.lists.get(SETPRIV_UID)!.every((r) => r.command === 'sleep');
    await untilFullRead(two, 'two sleeps of the uid');
    expect(two(expectSameAsFullRead(w))).toBe(true);
    // The child exits: a zombie, still listed by /proc, as long as its parent does not wait.
    const zombie = (p: ProcessesByUid) => two(p) && p.lists.get(SETPRIV_UID)!.some((r) => readProcessStatus('/proc/', r.pid)?.dead === true);
    await untilFullRead(zombie, 'the zombie');
    expect(two(expectSameAsFullRead(w))).toBe(true);
    // The parent goes: the zombie is handed to a reaper and goes too, with no event of its own.
    parent.kill('SIGKILL');
    await untilFullRead((p) => !p.counts.has(SETPRIV_UID), 'both gone');
    expect(expectSameAsFullRead(w).counts.has(SETPRIV_UID)).toBe(false);
  });

  it('reads every status file when the socket overflowed', () => {
    // The smallest receive buffer the kernel allows holds a few events.
    const w = watch({ receiveBufferBytes: 1 });
    primed(w);
    for (let i = 0; i < 64; i++) spawnSync('true');
    w.read();
    expect(w.lastReadAll).toBe(true);
    expect(w.lastRead).toMatch(/were lost/);
    expectSameAsFullRead(w);
  });
});

describe('ProcessWatch where the events and /proc count pids differently (util-linux unshare)', () => {
  it('in a pid namespace of its own: the kernel ignores its subscription, and it reads every status file', () => {
    const script = `const { ProcessWatch } = require('./dist/electron/keyring/processWatch.js');
      const w = new ProcessWatch('/proc'); w.read(); console.log(JSON.stringify({ why: w.why, lastRead: w.lastRead, pid: process.pid })); w.close();`;
    const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as { why: string; lastRead: string; pid: number };
    expect(seen.pid).toBe(1);
    expect(seen.why).toMatch(/no acknowledgement/);
    expect(seen.lastRead).toMatch(/^every status file \(process events: no acknowledgement/);
  });

  it("in the initial namespace, over another namespace's /proc: its own thread is not there, and it reads every file", async () => {
    const other = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'sleep', '60'], { stdio: 'ignore' });
    children.push(other);
    // The namespace's /proc, seen through its process's root (unshare forks sleep, which is pid 1 there).
    const root = `/proc/${other.pid}/root/proc`;
    await untilFullRead(() => processesByRealUid(root).lists.get(0)?.some((p) => p.pid === 1 && p.command === 'sleep') === true, 'the namespace up');
    const w = new ProcessWatch(root);
    watches.push(w);
    expect(w.usesEvents()).toBe(false);
    expect(w.why).toMatch(/thread-self/);
    expect(text(w.read())).toBe(text(processesByRealUid(root)));
  });
});

describe('ProcessWatch without the connector', () => {
  let root = '';
  afterEach(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
    root = '';
  });

  it('reads every status file each time, as before, and says why', () => {
    // A /proc whose pids are not the connector's (here: no thread-self at all).
    root = mkdtempSync(join(tmpdir(), 'kb-watch-proc-'));
    for (const [pid, uid] of [
      [1, 0],
      [42, 1000],
    ] as const) {
      mkdirSync(join(root, String(pid)));
      writeFileSync(join(root, String(pid), 'status'), `Name:\tsh\nState:\tS (sleeping)\nTgid:\t${pid}\nPPid:\t1\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
    }
    const w = new ProcessWatch(root);
    watches.push(w);
    expect(w.usesEvents()).toBe(false);
    expect(w.why).toMatch(/thread-self/);
    expect(text(w.read())).toBe(text(processesByRealUid(root)));
    expect(w.lastRead).toMatch(/^every status file \(process events: .*thread-self/);
    writeFileSync(join(root, '42', 'status'), `Name:\trenamed\nState:\tS (sleeping)\nTgid:\t42\nPPid:\t1\nUid:\t7\t7\t7\t7\n`);
    expect(w.read().lists.get(7)).toEqual([{ pid: 42, command: 'renamed' }]);
  });
});
