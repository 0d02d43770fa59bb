// The helper started through pkexec for real, as the desktop app starts it: a throwaway desktop user runs the
// app's own start path (ScopeRouter.startHelper with main.ts's options: helperLauncher, findPkexec, the default
// socket path, a real KeyringService), pkexec asks polkit, polkit's rule admits that user without an
// authentication agent, and the helper runs as root on the user's 0600 socket, serving that user and refusing
// every other uid. A user the rule does not admit gets the app's sentence and no helper. The system bus and
// polkitd are the test's own, in a mount namespace (electron/test/privateSystemBus.ts); pkexec runs there.
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ViewInfo } from '../../shared/api';
import type { ScanScope } from '../../shared/snapshot';
import { PAST_THE_MODE, probe, probeAs, refused } from '../test/helperProbe';
import { allowPkexecRule, startPrivateSystemBus, stopPid, type PrivateSystemBus } from '../test/privateSystemBus';
import { addThrowawayUser, keyUsersForget, removeThrowawayUser, setprivAs, type ThrowawayUser } from '../test/throwawayUsers';

const execFileAsync = promisify(execFile);
const DIST = resolve(__dirname, '..', '..', 'dist');

/**
 * What Electron main does when the user clicks "Start with pkexec…" (main.ts's setupScopeRouter, then the
 * switch's startHelper), from the built app; prints the view it ended with, the socket and the snapshot's scope.
 */
const APP_START = `
const dist = process.argv[1];
const { ScopeRouter, findPkexec, helperLauncher } = require(dist + '/electron/helper/scopeRouter.js');
const { defaultHelperSocketPath } = require(dist + '/electron/helper/helperSocket.js');
const { KeyringService } = require(dist + '/electron/service/keyringService.js');
const { createWorkerSnapshotSource } = require(dist + '/electron/threads/scanThread.js');
// Electron's app keeps main's event loop alive; this script has only the pending start, which holds no handle.
const alive = setInterval(() => {}, 1000);
(async () => {
  const uid = process.getuid();
  const socketPath = defaultHelperSocketPath(uid);
  const service = new KeyringService({ source: createWorkerSnapshotSource() }).start();
  const router = new ScopeRouter({ local: service, uid, socketPath, launcher: helperLauncher(), pkexecPath: findPkexec(), startWaitMs: 30000 });
  const caps = await router.api.startHelper();
  const scope = caps.view.scope.kind === 'all' ? (await router.api.getSnapshot()).snapshot.scope : null;
  router.close();
  await service.close();
  clearInterval(alive);
  process.stdout.write(JSON.stringify({ view: caps.view, socketPath, scope }) + '\\n', () => process.exit(0));
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Started {
  view: ViewInfo;
  socketPath: string;
  /** The helper's snapshot's scope, once connected. */
  scope: ScanScope | null;
}

let user: ThrowawayUser | null = null;
let stranger: ThrowawayUser | null = null;
let bus: PrivateSystemBus | null = null;
let helperPid: number | null = null;
let started: Started;

/** The socket path the app gives `uid`'s helper: its private directory under the temporary directory. */
const socketOf = (uid: number) => join(tmpdir(), `keyring-browser-${uid}`, 'keyring-browser-helper.sock');

/**
 * The pids of helpers serving `socketPath`: ones this test started through pkexec (the path names a throwaway
 * user's uid), found even when the start itself failed (a slow first scan on a loaded machine) and its pid went
 * unreported.
 */
function helpersOn(socketPath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone meanwhile
    }
    const at = argv.indexOf('--socket');
    if (argv.includes('helper') && at >= 0 && argv[at + 1] === socketPath) pids.push(Number(entry));
  }
  return pids;
}

/** The app's start path as `uid`, inside the bus's namespace, with a desktop session's bare environment. */
async function startAsApp(uid: number): Promise<Started> {
  const argv = bus!.inside(['setpriv', ...setprivAs(uid), process.execPath, '-e', APP_START, DIST]);
  const { stdout } = await execFileAsync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 60_000 });
  return JSON.parse(stdout) as Started;
}

beforeAll(async () => {
  user = addThrowawayUser('kbpk');
  stranger = addThrowawayUser('kbpn');
  bus = await startPrivateSystemBus({ '50-keyring-browser-test.rules': allowPkexecRule(user.name) });
  started = await startAsApp(user.uid);
  if (started.view.provider.kind === 'helper') helperPid = started.view.provider.pid;
}, 90_000);

afterAll(async () => {
  for (const u of [user, stranger]) if (u) for (const pid of helpersOn(socketOf(u.uid))) await stopPid(pid);
  await bus?.stop();
  for (const u of [user, stranger]) {
    if (!u) continue;
    // The socket's private directory under the temporary directory (no /run/user/UID for these users).
    rmSync(join(tmpdir(), `keyring-browser-${u.uid}`), { recursive: true, force: true });
    removeThrowawayUser(u);
    expect(await keyUsersForget(u.uid)).toBe(true);
  }
}, 60_000);

describe('Start with pkexec…, for real (polkit admits the desktop user by a rule, no agent)', () => {
  it('starts the helper as root through pkexec and shows every user’s keys from it', () => {
    expect(started.view).toMatchObject({ scope: { kind: 'all' }, provider: { kind: 'helper', uid: 0 } });
    expect(started.scope).toEqual({ kind: 'all' });
    const pid = helperPid!;
    expect(helpersOn(started.socketPath)).toEqual([pid]);
    // pkexec ran it: root's ids, PKEXEC_UID naming the user, and the app's own command line.
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+0\s+0\s+0\s+0$/m);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(`PKEXEC_UID=${user!.uid}`);
    // Each argument ends in a NUL.
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    expect(argv.slice(-5)).toEqual(['helper', '--socket', started.socketPath, '--user', String(user!.uid)]);
  });

  it('puts its socket in the user’s private directory, the user’s, mode 0600', () => {
    expect(started.socketPath).toBe(socketOf(user!.uid));
    const st = lstatSync(started.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(user!.uid);
  });

  it('serves the desktop user and refuses every other uid: another user past the mode, and root', async () => {
    expect((await probeAs(user!.uid, started.socketPath)).out).toContain('speaks WebSocket on /ws only');
    expect(refused(await probeAs(stranger!.uid, started.socketPath, PAST_THE_MODE))).toBe(true);
    expect(await probeAs(stranger!.uid, started.socketPath)).toEqual({ error: 'EACCES' });
    expect(refused(await probe(started.socketPath))).toBe(true);
  });

  it('tells a user polkit does not admit that pkexec refused, and starts nothing', async () => {
    const refusedStart = await startAsApp(stranger!.uid);
    expect(refusedStart.view.scope).toEqual({ kind: 'process' });
    expect(refusedStart.view.helper?.reason).toBe('pkexec did not start the helper: the request was dismissed or not authorized');
    expect(() => lstatSync(refusedStart.socketPath)).toThrow(/ENOENT/);
  }, 60_000);
});
