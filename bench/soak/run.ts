// `npm run soak [-- --seconds N]`: serve under churn, fuzz, faults and abuse, for N seconds (default 600;
// `npm test` runs it short). Prints a table of figures and exits non-zero on any failure.
//
// - Churn: a separate process (churn.ts) changes keys of every kind at ≥ 500/s under a keyring of this
//   process's own session, while `bin/keyring-browser serve --interval 100` (a child; it inherits the
//   session) polls and two WebSocket clients follow it. Then the churn stops: each client's state at the
//   seq of a fresh snapshot, built only from the deltas it received, must equal that snapshot, and the
//   snapshot must equal keyutils' keyctl(1) view key by key (rlist of every keyring, rdescribe of every key).
// - Memory: serve's RSS at start, middle and end (end ≤ middle + 10 % on runs of 2 minutes or more, judged only
//   while the kernel's key count stayed put: serve as root also scans other processes' keys).
// - Fuzz: generated /proc/keys and /proc/key-users lines through the parsers, generated WebSocket
//   messages at serve: only typed errors come back, no throw escapes.
// - Faults: /proc/keys unreadable (through the proc-root override), a keyring invalidated while serve
//   reads its members, clients that disconnect while their answer is on its way.
// - Abuse: malformed targets, no token, a wrong token, a foreign Host, mixed with good requests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import type { KeyringEvent, PollerStatus, VersionedSnapshot } from '../../shared/api';
import { applyDelta } from '../../shared/delta';
import * as keyctl from '../../electron/keyring/keyctl';
import { parseKeyUsers } from '../../electron/keyring/keyUsers';
import { parseProcKeys } from '../../electron/keyring/procKeys';
import { within } from '../bounded';
import { machineKeyCount, scaledToMachineKeys } from '../machineKeys';
import { printTable, type BenchRow } from '../table';
import { seededRandom, type Rand } from '../../shared/seededRandom';
import { keyUsersLine, procKeysLine } from './fuzzLines';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'bin', 'keyring-browser');
const CHURN = join(__dirname, 'churn.js');
const CHURN_RATE = 600;
const MIN_CHURN_RATE = 500;
/** How long a call may go unanswered with up to 40k keys on the machine; more keys, longer (a getSnapshot scans them). */
const CALL_TIMEOUT_MS = 30_000;
const TYPED_CODES = /^(bad-json|bad-request|unknown-method|bad-args|forbidden|E[A-Z0-9]+)$/;

interface Options {
  seconds: number;
}

function parseOptions(argv: string[]): Options {
  let seconds = 600;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    if (flag === '--seconds') {
      seconds = Number(inline ?? argv[++i]);
      if (!Number.isFinite(seconds) || seconds < 10) throw new Error('--seconds needs a number ≥ 10');
    } else throw new Error(`soak: unknown option ${JSON.stringify(argv[i])}`);
  }
  return { seconds };
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Waits for `check` to hold, polling; false after `ms`. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** serve's RSS, and how many keys the kernel held then (every uid's, from /proc/key-users). */
interface MemorySample {
  mib: number;
  kernelKeys: number;
}

function memorySample(pid: number): MemorySample {
  return { mib: rssMiB(pid), kernelKeys: machineKeyCount() };
}

/**
 * Whether the end's RSS may be compared with the middle's: serve scans every key uid 0 may view, not only the
 * soak's (at most a few hundred), so on a shared machine another process's keys (a bench's 40k) swell or shrink
 * its memory. Comparable while the kernel's key count moved by at most 10 % + 500 keys.
 */
function comparable(middle: MemorySample, end: MemorySample): boolean {
  return Math.abs(end.kernelKeys - middle.kernelKeys) <= middle.kernelKeys * 0.1 + 500;
}

/** JSON with object keys sorted and undefined left out: equal states print equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

// --- serve, and clients that follow it -------------------------------------------------------------

interface Serve {
  child: ChildProcess;
  url: URL;
  token: string;
  stderr: string[];
  /** Creating this file makes serve's scan thread exit in the middle of its next scan (threads/scanWorker.ts). */
  scanThreadExitFile: string;
}

async function startServe(procRoot: string): Promise<Serve> {
  const scanThreadExitFile = join(tmpdir(), `kb-soak-scan-exit-${process.pid}`);
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--interval', '100'], {
    env: { ...process.env, KEYRING_BROWSER_PROC_ROOT: procRoot, KB_TEST_SCAN_THREAD_EXIT_FILE: scanThreadExitFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(...d.split('\n').filter(Boolean)));
  const printed = new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) done(out.split('\n')[0]!);
    });
    child.once('exit', (code) => fail(new Error(`serve exited (${code}): ${stderr.join('\n')}`)));
  });
  const first = await within(printed, 60_000, "serve's URL (its first line)").catch((err: unknown) => {
    child.kill();
    throw err;
  });
  const url = new URL(first);
  return { child, url, token: url.searchParams.get('token')!, stderr, scanThreadExitFile };
}

type Reply = { id: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };

/** A WebSocket client whose key state is built only from what serve pushes (after one getSnapshot). */
class Follower {
  state: VersionedSnapshot | null = null;
  /** The keys it held at each of its last states, by seq (canonical JSON), to compare with a snapshot of that seq. */
  readonly history = new Map<number, string>();
  deltas = 0;
  resyncs = 0;
  gaps = 0;
  closedWith: number | null = null;
  private early: KeyringEvent[] = [];
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  /** Waiting for replies to messages sent without an id (fuzz); serve answers those in the order sent. */
  private readonly anonymous: ((reply: Reply) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(JSON.parse(String(data)) as Reply & { event?: KeyringEvent }));
    ws.on('close', (code) => (this.closedWith = code));
  }

  static open(serve: Serve): Promise<Follower> {
    const ws = new WebSocket(`ws://${serve.url.host}/ws?token=${serve.token}`, { origin: serve.url.origin });
    const opened = new Promise<Follower>((done, fail) => {
      ws.once('open', () => done(new Follower(ws)));
      ws.once('error', fail);
      ws.once('close', (code) => fail(new Error(`closed (${code}) before it opened`)));
    });
    return within(opened, 30_000, "a follower's connection to serve").catch((err: unknown) => {
      ws.terminate();
      throw err;
    });
  }

  private onMessage(message: Reply & { event?: KeyringEvent }): void {
    if (message.event) return this.onEvent(message.event);
    const answer = typeof message.id === 'number' ? this.waiting.get(message.id) : undefined;
    if (answer) {
      this.waiting.delete(message.id as number);
      answer(message);
    } else this.anonymous.shift()?.(message);
  }

  private onEvent(event: KeyringEvent): void {
    if (this.state === null) {
      this.early.push(event);
      return;
    }
    if (event.type === 'snapshot') {
      this.resyncs++;
      this.state = event.snapshot;
    } else if (event.type === 'delta') {
      this.deltas++;
      if (event.delta.seq <= this.state.seq) return; // the snapshot already has it
      if (event.delta.seq !== this.state.seq + 1) this.gaps++;
      this.state = { seq: event.delta.seq, snapshot: applyDelta(this.state.snapshot, event.delta) };
    } else return;
    if (this.recording) this.remember();
  }

  /** Whether each new state is kept in history (costly: on only while settling). */
  recording = false;

  remember(): void {
    if (!this.state) return;
    this.history.set(this.state.seq, canonical(this.state.snapshot.keys));
    for (const seq of this.history.keys()) if (seq < this.state.seq - 200) this.history.delete(seq);
  }

  call<T>(method: string, args: unknown[] = []): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, args }));
    const limitMs = scaledToMachineKeys(CALL_TIMEOUT_MS);
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`${method}: no answer in ${limitMs / 1000} s (closed: ${this.closedWith})`)), limitMs);
      this.waiting.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) fail(new Error(`${method}: ${String(reply.error.message)}`));
        else done(reply.result as T);
      });
    });
  }

  /** Sends a raw message expecting an answer with this id (a fuzz message that carries it), or an anonymous one. */
  sendRaw(text: string, id: number | null): Promise<Reply> {
    const limitMs = scaledToMachineKeys(CALL_TIMEOUT_MS);
    const reply = new Promise<Reply>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no answer in ${limitMs / 1000} s to ${text.slice(0, 80)} (closed: ${this.closedWith})`)), limitMs);
      const answer = (r: Reply): void => {
        clearTimeout(timer);
        done(r);
      };
      if (id === null) this.anonymous.push(answer);
      else this.waiting.set(id, answer);
    });
    this.ws.send(text);
    return reply;
  }

  async start(): Promise<void> {
    const first = await this.call<VersionedSnapshot>('getSnapshot');
    this.state = first;
    for (const event of this.early.splice(0)) this.onEvent(event);
  }

  close(): void {
    this.ws.close();
  }
}

// --- the phases ----------------------------------------------------------------------------------

interface Results {
  rows: BenchRow[];
  failures: string[];
  phases: string[];
}

/** Runs one phase and notes how long it took. */
async function timed<T>(results: Results, phase: string, run: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    results.phases.push(`${phase} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

function row(results: Results, name: string, value: string, required = '', ok = true): void {
  results.rows.push({ name, values: { value, required }, ...(ok ? {} : { note: 'FAILED' }) });
  if (!ok) results.failures.push(`${name}: ${value}${required ? ` (required ${required})` : ''}`);
}

/** A proc root of symlinks to /proc's entries, so that its `keys` can be swapped for something unreadable. */
function makeProcRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-soak-proc-'));
  for (const name of readdirSync('/proc')) symlinkSync(join('/proc', name), join(dir, name));
  return dir;
}

/** keyctl(1) as the oracle: compares every keyring and key under `root` with the snapshot. */
function compareWithKeyctl(snapshot: Snapshot, root: number): { keys: number; mismatches: string[] } {
  const byId = new Map(snapshot.keys.map((k) => [k.id, k]));
  const gone = (k: KeyInfo | undefined): boolean => !!k && (/[RDi]/.test(k.flags) || k.timeout === 'expd');
  const mismatches: string[] = [];
  const seen = new Set<number>();
  const queue = [root];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const mine = byId.get(id);
    const described = spawnSync('keyctl', ['rdescribe', String(id)], { encoding: 'utf8' });
    if (described.status !== 0) {
      // Revoked, expired or collected since the snapshot: the snapshot must say it was going.
      if (mine && !gone(mine)) mismatches.push(`${id}: keyctl cannot describe it (${described.stderr.trim()}), the snapshot shows it live`);
      continue;
    }
    const [type, uid, gid, perm, ...rest] = described.stdout.trim().split(';');
    if (!mine) {
      mismatches.push(`${id} (${type} ${rest.join(';')}): keyctl sees it, the snapshot does not`);
      continue;
    }
    const theirs = { type, uid: Number(uid), gid: Number(gid), perm: parseInt(perm!, 16), description: rest.join(';') };
    const ours = { type: mine.type, uid: mine.uid, gid: mine.gid === 65534 ? Number(gid) : mine.gid, perm: mine.perm, description: mine.description };
    if (canonical(ours) !== canonical(theirs)) mismatches.push(`${id}: snapshot ${canonical(ours)}, keyctl ${canonical(theirs)}`);
    if (type !== 'keyring') continue;
    const listed = spawnSync('keyctl', ['rlist', String(id)], { encoding: 'utf8' });
    if (listed.status !== 0) {
      if (!gone(mine) && mine.links !== null) mismatches.push(`${id}: keyctl cannot list it (${listed.stderr.trim()})`);
      continue;
    }
    const members = listed.stdout.trim() === '' ? [] : listed.stdout.trim().split(/\s+/).map(Number);
    if (canonical(members) !== canonical(mine.links ?? [])) mismatches.push(`${id}: members ${canonical(mine.links)}, keyctl ${canonical(members)}`);
    queue.push(...members);
  }
  return { keys: seen.size, mismatches };
}

/**
 * Takes a fresh snapshot and compares it with the state each follower held at that snapshot's seq. The
 * engine keeps polling (timeouts tick, other processes change keys), so followers keep a short history.
 */
async function settle(control: Follower, followers: Follower[]): Promise<{ fresh: VersionedSnapshot; mismatches: string[] }> {
  for (const f of followers) {
    f.recording = true;
    f.remember();
  }
  try {
    const fresh = await control.call<VersionedSnapshot>('getSnapshot');
    await until(() => followers.every((f) => (f.state?.seq ?? -1) >= fresh.seq), 10_000);
    const mismatches: string[] = [];
    const expected = canonical(fresh.snapshot.keys);
    followers.forEach((f, i) => {
      const held = f.history.get(fresh.seq);
      if (held === undefined) mismatches.push(`client ${i + 1} never held seq ${fresh.seq} (it is at ${f.state?.seq})`);
      else if (held !== expected) {
        const mine = new Map((JSON.parse(held) as KeyInfo[]).map((k) => [k.id, canonical(k)]));
        const diff = fresh.snapshot.keys.filter((k) => mine.get(k.id) !== canonical(k)).map((k) => `${k.id}: ${mine.get(k.id) ?? 'missing'} ≠ ${canonical(k)}`);
        mismatches.push(`client ${i + 1}: ${diff.slice(0, 3).join('; ') || 'keys it holds that the snapshot does not'}`);
      }
    });
    return { fresh, mismatches };
  } finally {
    for (const f of followers) f.recording = false;
  }
}

async function churnPhase(results: Results, serve: Serve, followers: Follower[], control: Follower, root: number, churnMs: number): Promise<MemorySample[]> {
  const rss: MemorySample[] = [memorySample(serve.child.pid!)];
  const churn = spawn(process.execPath, [CHURN, String(root), String(churnMs), String(CHURN_RATE)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  churn.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const middle = setTimeout(() => rss.push(memorySample(serve.child.pid!)), churnMs / 2);
  const code = await within(new Promise<number | null>((done) => churn.once('exit', done)), churnMs + 60_000, 'the churn process\'s end').catch((err: unknown) => {
    churn.kill();
    throw err;
  });
  clearTimeout(middle);
  if (rss.length < 2) rss.push(memorySample(serve.child.pid!));
  const made = code === 0 ? (JSON.parse(out) as { made: Record<string, number>; unexpected: string[] }) : { made: {}, unexpected: [`churn exited ${code}`] };
  const total = Object.entries(made.made).reduce((n, [kind, count]) => n + (kind === 'refused' ? 0 : count), 0);
  const rate = total / (churnMs / 1000);
  row(results, 'churn: changes made', `${total} (${rate.toFixed(0)}/s)`, `≥ ${MIN_CHURN_RATE}/s`, rate >= MIN_CHURN_RATE);
  row(results, 'churn: of which', Object.entries(made.made).filter(([k]) => k !== 'refused').map(([k, v]) => `${k} ${v}`).join(', '));
  row(results, 'churn: refused by the kernel', String(made.made.refused ?? 0), 'expected (gone or looped keys)');
  row(results, 'churn: unexpected failures', String(made.unexpected.length), '0', made.unexpected.length === 0);
  for (const u of made.unexpected.slice(0, 5)) process.stderr.write(`soak: churn: ${u}\n`);

  await sleep(1500); // quiesce: the last changes are polled and pushed
  const { fresh, mismatches } = await settle(control, followers);
  row(results, 'deltas sent (client 1 / client 2)', followers.map((f) => String(f.deltas)).join(' / '));
  row(results, 'resyncs, seq gaps', `${followers.reduce((n, f) => n + f.resyncs, 0)}, ${followers.reduce((n, f) => n + f.gaps, 0)}`, '0 gaps', followers.every((f) => f.gaps === 0));
  row(results, 'snapshot/delta mismatches', String(mismatches.length), '0', mismatches.length === 0);
  for (const m of mismatches) process.stderr.write(`soak: ${m}\n`);
  const oracle = compareWithKeyctl(fresh.snapshot, root);
  row(results, 'snapshot vs keyctl (keys compared)', `${oracle.mismatches.length} mismatches (${oracle.keys})`, '0', oracle.mismatches.length === 0);
  for (const m of oracle.mismatches.slice(0, 10)) process.stderr.write(`soak: keyctl: ${m}\n`);
  return rss;
}

function fuzzLines(results: Results, count: number): void {
  const rand = seededRandom(0x50a4);
  const batch = 10_000;
  let thrown = 0;
  let errors = 0;
  let parsed = 0;
  for (let done = 0; done < count; done += batch) {
    const n = Math.min(batch, count - done);
    const keys: string[] = [];
    const users: string[] = [];
    for (let i = 0; i < n; i++) {
      keys.push(procKeysLine(rand));
      users.push(keyUsersLine(rand));
    }
    try {
      const out = parseProcKeys(keys.join('\n') + '\n');
      parsed += out.lines.length;
      errors += out.errors.length;
      if (out.errors.some((e) => typeof e.reason !== 'string')) thrown++;
    } catch (err) {
      thrown++;
      if (thrown <= 3) process.stderr.write(`soak: parseProcKeys threw: ${String(err)}\n`);
    }
    try {
      const out = parseKeyUsers(users.join('\n') + '\n');
      parsed += out.quotas.length;
      errors += out.errors.length;
    } catch (err) {
      thrown++;
      if (thrown <= 3) process.stderr.write(`soak: parseKeyUsers threw: ${String(err)}\n`);
    }
  }
  row(results, 'fuzz: /proc lines (keys + key-users)', `${count} + ${count}: ${parsed} parsed, ${errors} typed errors`);
  row(results, 'fuzz: parser throws', String(thrown), '0', thrown === 0);
}

const FUZZ_METHODS = ['getSnapshot', 'getStatus', 'getKeyDetails', 'getIdentityNames', 'getCapabilities', 'setReadOnly', 'setPollInterval', 'addKey', 'readPayload', 'unlinkKey', 'searchKey', 'nope', '__proto__', 'constructor', ''];

function fuzzMessage(rand: Rand, id: number): { text: string; id: number | null } {
  const r = rand();
  const junk = (): unknown =>
    [null, true, -1, 0, 1e308, 2 ** 53, 'x'.repeat(Math.floor(rand() * 2000)), '0x1', [], {}, [1, [2, [3]]], { id: 1 }, '\u0000', NaN][Math.floor(rand() * 14)];
  if (r < 0.15) return { text: ['{', '[', '"', 'nul', '{"id":', '\u00ff\u00fe', ''][Math.floor(rand() * 7)]!, id: null };
  if (r < 0.3) return { text: JSON.stringify(junk()), id: null };
  const method = FUZZ_METHODS[Math.floor(rand() * FUZZ_METHODS.length)]!;
  const args = rand() < 0.3 ? junk() : Array.from({ length: Math.floor(rand() * 4) }, junk);
  const message: Record<string, unknown> = { id, method, args };
  if (rand() < 0.1) message.extra = junk();
  if (method === 'setPollInterval' && rand() < 0.5) message.args = [100];
  return { text: JSON.stringify(message), id };
}

async function fuzzMessages(results: Results, client: Follower, count: number): Promise<void> {
  const rand = seededRandom(0xbeef);
  let untyped = 0;
  let answered = 0;
  const window = 16;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      // High ids, clear of the client's own calls.
      const { text, id } = fuzzMessage(rand, 1_000_000 + n);
      const reply = id === null ? await client.sendRaw(text, null) : await client.sendRaw(text, id);
      answered++;
      const ok = 'result' in reply || (typeof reply.error?.code === 'string' && TYPED_CODES.test(reply.error.code) && typeof reply.error.message === 'string');
      if (!ok) {
        untyped++;
        if (untyped <= 3) process.stderr.write(`soak: untyped answer to ${text.slice(0, 100)}: ${JSON.stringify(reply).slice(0, 200)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  row(results, 'fuzz: WebSocket messages', `${count} sent, ${answered} answered`, 'all answered', answered === count && client.closedWith === null);
  row(results, 'fuzz: untyped answers', String(untyped), '0', untyped === 0);
}

async function faults(results: Results, serve: Serve, control: Follower, procRoot: string, session: number): Promise<void> {
  // /proc/keys unreadable: the status says so, serve stays up, and it recovers once it is back.
  rmSync(join(procRoot, 'keys'));
  mkdirSync(join(procRoot, 'keys')); // reading a folder fails with EISDIR, root or not
  const broken = await control.call<PollerStatus>('refresh').catch((err: Error) => ({ lastError: err.message }) as PollerStatus);
  rmSync(join(procRoot, 'keys'), { recursive: true });
  symlinkSync('/proc/keys', join(procRoot, 'keys'));
  const healed = await control.call<PollerStatus>('refresh');
  row(
    results,
    'fault: /proc/keys unreadable',
    broken.lastError ? `reported ("${broken.lastError.slice(0, 40)}…"), then recovered: ${healed.lastError === null}` : 'not reported',
    'reported, recovered',
    !!broken.lastError && healed.lastError === null,
  );

  // A keyring invalidated while serve reads its members.
  let scanErrors = 0;
  for (let round = 0; round < 20; round++) {
    const ring = keyctl.addKey('keyring', `soak-doomed-${round}`, null, session);
    for (let i = 0; i < 100; i++) keyctl.addKey('user', `soak-doomed-${round}-${i}`, Buffer.from('x'), ring);
    const scan = control.call<PollerStatus>('refresh');
    await sleep(round % 5);
    keyctl.invalidate(ring);
    const status = await scan.catch((err: Error) => ({ lastError: err.message }) as PollerStatus);
    if (status.lastError) scanErrors++;
  }
  const after = await control.call<PollerStatus>('refresh');
  row(results, 'fault: keyring invalidated mid-read', `${scanErrors} failed scans of 20`, '0', scanErrors === 0 && after.lastError === null);

  // Clients that go away while their answer is on its way.
  for (let i = 0; i < 40; i++) {
    const c = await Follower.open(serve);
    c.ws.send(JSON.stringify({ id: 1, method: 'getSnapshot', args: [] }));
    if (i % 2) c.ws.terminate();
    else setImmediate(() => c.ws.terminate());
  }
  const status = await control.call<PollerStatus>('getStatus');
  row(results, 'fault: 40 clients gone mid-reply', `serve answers: ${status.intervalMs === 100}`, 'serve answers', status.intervalMs === 100 && serve.child.exitCode === null);

  // The scan thread dies in the middle of a scan: that scan fails, the next one runs on a fresh thread,
  // and the status says "scanner restarted" (what the status bar shows) while the view goes on.
  const restartsBefore = (await control.call<PollerStatus>('getStatus')).restarts?.count ?? 0;
  writeFileSync(serve.scanThreadExitFile, '');
  // serve polls every 100 ms on its own: whichever scan takes the fault file dies with it.
  for (let i = 0; i < 100 && existsSync(serve.scanThreadExitFile); i++) await sleep(20);
  let restarted = await control.call<PollerStatus>('refresh');
  for (let i = 0; i < 20 && restarted.lastError !== null; i++) restarted = await control.call<PollerStatus>('refresh');
  const restarts = restarted.restarts?.count ?? 0;
  const marker = keyctl.addKey('user', 'soak-after-restart', Buffer.from('x'), session);
  await control.call<PollerStatus>('refresh');
  const seenAfter = (await control.call<VersionedSnapshot>('getSnapshot')).snapshot.keys.some((k) => k.id === marker);
  row(
    results,
    'fault: scan thread killed mid-scan',
    `restarts ${restartsBefore} → ${restarts} ("${restarted.restarts?.lastReason ?? ''}"); a new key seen after: ${seenAfter}`,
    'restarts +1, seen',
    restarts === restartsBefore + 1 && restarted.lastError === null && seenAfter,
  );
}

function rawStatus(port: number, text: string): Promise<number> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    const finish = (): void => {
      socket.destroy();
      done(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0));
    };
    socket.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.setTimeout(10_000, finish);
  });
}

async function abuse(results: Results, serve: Serve, count: number): Promise<void> {
  const port = Number(serve.url.port);
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const kinds: [string, number, (i: number) => string][] = [
    ['good', 200, () => `GET /api/status?token=${serve.token} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
    ['malformed target', 400, (i) => `GET ${['//', '//[', '/\\', 'http://', '//x/api/snapshot', '/a b/c'][i % 6]} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
    ['no token', 401, () => `GET /api/snapshot HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
    ['wrong token', 403, (i) => `GET /api/snapshot?token=${'A'.repeat(i % 50)}x HTTP/1.1\r\n${host}Connection: close\r\n\r\n`],
    ['foreign Host', 403, () => `GET /api/snapshot?token=${serve.token} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`],
    ['two Hosts', 400, () => `GET /api/snapshot?token=${serve.token} HTTP/1.1\r\n${host}Host: evil.example\r\nConnection: close\r\n\r\n`],
    [
      'WebSocket, wrong token',
      403,
      () =>
        `GET /ws?token=nope HTTP/1.1\r\n${host}Origin: ${serve.url.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    ],
  ];
  const tally = new Map<string, { sent: number; right: number }>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      // Every third request is a good one; the rest cycle through the bad kinds.
      const [name, expected, make] = i % 3 === 0 ? kinds[0]! : kinds[1 + (i % (kinds.length - 1))]!;
      const status = await rawStatus(port, make(i));
      const t = tally.get(name) ?? { sent: 0, right: 0 };
      t.sent++;
      if (status === expected) t.right++;
      tally.set(name, t);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const good = tally.get('good')!;
  const bad = [...tally.entries()].filter(([n]) => n !== 'good');
  const badSent = bad.reduce((n, [, t]) => n + t.sent, 0);
  const badRefused = bad.reduce((n, [, t]) => n + t.right, 0);
  row(results, 'abuse: good requests answered', `${good.right} of ${good.sent}`, 'all', good.right === good.sent);
  row(results, 'abuse: bad requests refused (right status)', `${badRefused} of ${badSent}`, 'all', badRefused === badSent);
  for (const [name, t] of bad) if (t.right !== t.sent) process.stderr.write(`soak: abuse: ${name}: ${t.right} of ${t.sent} got the right status\n`);
}

async function main(): Promise<number> {
  const { seconds } = parseOptions(process.argv.slice(2));
  const long = seconds >= 120;
  // The rest (start, settle, the keyctl comparison, fuzz, faults, abuse) takes about 22 s on a short run and
  // about 4 minutes on a long one (1M lines, 100k messages) on a busy 2-core machine; churn gets the remainder.
  const churnMs = Math.max(5_000, seconds * 1000 - (long ? 240_000 : 22_000));
  const lineCount = long ? 1_000_000 : 50_000;
  const messageCount = long ? 100_000 : 3_000;
  const abuseCount = 1000;
  const results: Results = { rows: [], failures: [], phases: [] };
  const started = Date.now();

  // First, while no client is open: the parsers run on this thread and would keep the clients from
  // answering serve's pings for minutes (serve would rightly drop them as dead).
  await timed(results, 'line fuzz', () => fuzzLines(results, lineCount));
  const session = keyctl.joinSessionKeyring(null);
  const root = keyctl.addKey('keyring', 'soak-root', null, session);
  const procRoot = makeProcRoot();
  const serve = await startServe(procRoot);
  const followers: Follower[] = [];
  try {
    for (let i = 0; i < 3; i++) followers.push(await Follower.open(serve));
    for (const f of followers) await f.start();
    const [a, b, control] = followers as [Follower, Follower, Follower];
    const rss = await timed(results, 'churn', () => churnPhase(results, serve, [a, b], control, root, churnMs));
    const afterChurn = rssMiB(serve.child.pid!);
    await timed(results, 'message fuzz', () => fuzzMessages(results, control, messageCount));
    const afterFuzz = rssMiB(serve.child.pid!);
    // The fuzz may have paused or slowed this connection (its own view of the poller only).
    await control.call('resume');
    await control.call('setPollInterval', [100]);
    await timed(results, 'faults', () => faults(results, serve, control, procRoot, session));
    await timed(results, 'abuse', () => abuse(results, serve, abuseCount));
    const afterAbuse = memorySample(serve.child.pid!);
    rss.push(afterAbuse);
    const [start, middle, end] = rss as [MemorySample, MemorySample, MemorySample];
    const grew = ((end.mib - middle.mib) / middle.mib) * 100;
    const judged = comparable(middle, end);
    row(
      results,
      'serve RSS start / middle / end',
      `${start.mib.toFixed(0)} / ${middle.mib.toFixed(0)} / ${end.mib.toFixed(0)} MiB (end ${grew >= 0 ? '+' : ''}${grew.toFixed(1)} %)`,
      !long ? 'checked on runs ≥ 120 s' : judged ? 'end ≤ middle + 10 %' : 'not comparable (keys below): run it on a quiet machine',
      !long || (judged && end.mib <= middle.mib * 1.1),
    );
    // What else changed meanwhile: the kernel's keys (other processes' too) and where the memory grew.
    row(results, "the kernel's keys then (every uid's)", `${start.kernelKeys} / ${middle.kernelKeys} / ${end.kernelKeys}`, 'middle ≈ end (±10 % + 500)');
    row(results, 'serve RSS after churn / message fuzz / faults and abuse', `${afterChurn.toFixed(0)} / ${afterFuzz.toFixed(0)} / ${afterAbuse.mib.toFixed(0)} MiB`);
    const faultLines = serve.stderr.filter((l) => / failed: /.test(l));
    row(results, 'serve: faults logged', String(faultLines.length), '0', faultLines.length === 0);
    for (const l of faultLines.slice(0, 5)) process.stderr.write(`soak: serve said: ${l}\n`);
    row(results, 'serve: still up', String(serve.child.exitCode === null), 'true', serve.child.exitCode === null);
  } finally {
    for (const f of followers) f.close();
    serve.child.kill('SIGTERM');
    keyctl.clear(session);
    rmSync(procRoot, { recursive: true, force: true });
  }
  results.rows.push({ name: 'time by phase', values: { value: results.phases.join(', '), required: '' } });
  printTable(`Soak (${seconds} s asked, ${((Date.now() - started) / 1000).toFixed(0)} s taken; churn ${churnMs / 1000} s at ${CHURN_RATE}/s asked)`, ['value', 'required'], results.rows);
  if (results.failures.length > 0) {
    process.stderr.write(`\nsoak: FAILED\n${results.failures.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write('\nsoak: passed\n');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
