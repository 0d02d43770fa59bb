// A system D-Bus and polkit of a test's own, for running pkexec for real (as root). pkexec is setuid root, so
// it ignores DBUS_SYSTEM_BUS_ADDRESS and asks polkit over the one system bus socket, /run/dbus/system_bus_socket;
// and polkitd reads its rules from /etc/polkit-1/rules.d. Both paths are the machine's, so the bus, polkitd
// and whatever runs pkexec live in a mount namespace of their own (unshare), where a tmpfs covers /run/dbus and
// a directory of the test's rules covers /etc/polkit-1/rules.d: the machine's bus, rules and other tests'
// buses are untouched, and the mounts go with the namespace's last process. Needs dbus-daemon (Debian:
// dbus-daemon, dbus-bin for dbus-send), polkitd, pkexec and util-linux's unshare and nsenter.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const POLKITD = '/usr/lib/polkit-1/polkitd';

/** A polkit rule that lets `user` run any program through pkexec without authenticating (no agent needed). */
export function allowPkexecRule(user: string): string {
  return (
    'polkit.addRule(function (action, subject) {\n' +
    `  if (action.id == "org.freedesktop.policykit.exec" && subject.user == ${JSON.stringify(user)}) return polkit.Result.YES;\n` +
    '});\n'
  );
}

// Run by `unshare --mount --propagation private` as root: covers the machine's paths, starts the bus and
// polkitd, prints their pids, then holds the namespace (its pid is the child's) until killed.
const NAMESPACE_SCRIPT = `
set -e
mount -t tmpfs -o mode=0755 kb-test-dbus /run/dbus
mount --bind "$1" /etc/polkit-1/rules.d
dbus-daemon --system --fork --print-pid
${POLKITD} --no-debug >"$2" 2>&1 &
echo $!
exec sleep 2147483647
`;

export interface PrivateSystemBus {
  /** The namespace's holder, dbus-daemon and polkitd: every process this started. */
  pids: { holder: number; dbus: number; polkitd: number };
  /** argv that runs `command` inside the namespace (as root: drop privileges after it, e.g. with setpriv). */
  inside(command: readonly string[]): string[];
  /** polkitd's output, for a failure's message. */
  polkitLog: string;
  /** Stops polkitd, the bus and the holder by pid, and removes the rules; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a private system bus and polkitd with `rules` (file name → text) as the only local rules. */
export async function startPrivateSystemBus(rules: Record<string, string>): Promise<PrivateSystemBus> {
  const dir = mkdtempSync(join(tmpdir(), 'kb-polkit-'));
  const rulesDir = join(dir, 'rules.d');
  const polkitLog = join(dir, 'polkitd.log');
  writeFileSync(polkitLog, '');
  // polkitd reads its rules as its own user, and will not read rules others may change.
  mkdirSync(rulesDir, { mode: 0o700 });
  const polkitd = Number(spawnSync('id', ['-u', 'polkitd'], { encoding: 'utf8' }).stdout.trim());
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(rulesDir, name), text, { mode: 0o644 });
  chownSync(rulesDir, polkitd, 0);
  chmodSync(dir, 0o755);

  const holder = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', NAMESPACE_SCRIPT, 'sh', rulesDir, polkitLog], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [dbus, polkit] = await firstLines(holder, 2);
  const pids = { holder: holder.pid!, dbus: dbus!, polkitd: polkit! };
  const inside = (command: readonly string[]) => ['nsenter', '--mount', `--target=${pids.holder}`, '--', ...command];
  let stopped = false;
  const bus: PrivateSystemBus = {
    pids,
    inside,
    polkitLog,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const pid of [pids.polkitd, pids.dbus, pids.holder]) await stopPid(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await untilPolkitAnswers(inside);
  } catch (err) {
    await bus.stop();
    throw err;
  }
  return bus;
}

/** The first `n` lines of the child's stdout as numbers (pids); throws with its stderr if it ends first. */
function firstLines(child: ChildProcess, n: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      if (lines.length > n) resolve(lines.slice(0, n).map(Number));
    });
    child.once('exit', (code) => reject(new Error(`the private system bus did not start (status ${code}): ${err.trim() || out.trim()}`)));
  });
}

/** Waits until polkitd owns org.freedesktop.PolicyKit1 on the private bus (it starts in well under a second). */
async function untilPolkitAnswers(inside: (command: readonly string[]) => string[], timeoutMs = 15_000): Promise<void> {
  const ask = inside([
    'dbus-send', '--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.PolicyKit1',
  ]);
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const r = spawnSync(ask[0]!, ask.slice(1), { encoding: 'utf8' });
    if (/boolean true/.test(r.stdout)) return;
    last = r.stderr.trim() || r.stdout.trim();
    await delay(50);
  }
  throw new Error(`polkitd did not appear on the private system bus within ${timeoutMs / 1000} s: ${last}`);
}

/** SIGTERM to `pid` (one this module or its test started), then waits until it is gone (SIGKILL after 5 s). */
export async function stopPid(pid: number, timeoutMs = 5_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return !isZombie(pid);
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + timeoutMs;
  while (alive()) {
    if (Date.now() > until) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await delay(20);
  }
}

/** A process that has exited but whose parent has not reaped it yet ("Z"): gone for every purpose here. */
function isZombie(pid: number): boolean {
  try {
    // /proc/PID/stat: "pid (comm) state …"; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
