import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandFromStatus,
  commandFromStatusBytes,
  DEFAULT_GC_DELAY_SECONDS,
  DEFAULT_PERSISTENT_EXPIRY_SECONDS,
  kernelAtLeast,
  readPinEnvironment,
  processesByRealUid,
  PROCESS_LIST_LIMIT,
  processesByRealUidAsync,
  realUidFromStatusBytes,
} from './pinEnvironment';

/** The reference the byte parser must agree with: the first `Uid:` line's first field, from the decoded text. */
function realUidFromStatus(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m === null ? null : Number(m[1]);
}

const STATUS = (uid: number) => `Name:\tbash\nState:\tS (sleeping)\nTgid:\t7\nUid:\t${uid}\t${uid + 1}\t${uid}\t${uid}\nGid:\t0\t0\t0\t0\n`;

describe('readPinEnvironment on a fake /proc', () => {
  let root = '';
  afterEach(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
    root = '';
  });

  function fakeProc(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'kb-pins-proc-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('counts processes per real uid (not effective) and reads the sysctls and the release', () => {
    const procRoot = fakeProc({
      '1/status': STATUS(0),
      '42/status': STATUS(1000),
      '43/status': STATUS(1000),
      'self/status': STATUS(5), // not a pid: ignored
      'sys/kernel/keys/gc_delay': '60\n',
      'sys/kernel/keys/persistent_keyring_expiry': '3600\n',
      'sys/kernel/osrelease': '5.2.21-old\n',
    });
    mkdirSync(join(procRoot, '44')); // exited between readdir and read: no status file
    const env = readPinEnvironment(123, procRoot);
    expect(env).toEqual({
      now: 123,
      processesByUid: new Map([
        [0, 1],
        [1000, 2],
      ]),
      processListByUid: new Map([
        [0, [{ pid: 1, command: 'bash' }]],
        [1000, [{ pid: 42, command: 'bash' }, { pid: 43, command: 'bash' }]],
      ]),
      kernelThreadsByUid: new Map(),
      gcDelaySeconds: 60,
      persistentExpirySeconds: 3600,
      userRegistryKeepsUserKeyrings: false,
    });
  });

  it("falls back to the kernel's defaults where a file is missing or unreadable", () => {
    const env = readPinEnvironment(1, fakeProc({ 'sys/kernel/keys/gc_delay': 'garbage', 'sys/kernel/osrelease': '6.18.0' }));
    expect(env.gcDelaySeconds).toBe(DEFAULT_GC_DELAY_SECONDS);
    expect(env.persistentExpirySeconds).toBe(DEFAULT_PERSISTENT_EXPIRY_SECONDS);
    expect(env.userRegistryKeepsUserKeyrings).toBe(true);
    expect(env.processesByUid.size).toBe(0);
  });
});

describe('processesByRealUid', () => {
  it('lists the first processes of each uid by pid, with their command, and counts them all', () => {
    const root = mkdtempSync(join(tmpdir(), 'kb-pins-proc-'));
    try {
      const pids = Array.from({ length: PROCESS_LIST_LIMIT + 5 }, (_, i) => 100 + i);
      for (const pid of [...pids].reverse()) {
        mkdirSync(join(root, String(pid)));
        writeFileSync(join(root, String(pid), 'status'), `Name:\tsleep ${pid}\nUid:\t1000\t1000\t1000\t1000\n`);
      }
      const { counts, lists } = processesByRealUid(root);
      expect(counts.get(1000)).toBe(pids.length);
      expect(lists.get(1000)).toEqual(pids.slice(0, PROCESS_LIST_LIMIT).map((pid) => ({ pid, command: `sleep ${pid}` })));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('kernel threads', () => {
  const status = (name: string, pid: number, ppid: number, kthread?: 0 | 1) =>
    `Name:\t${name}\nState:\tI (idle)\nTgid:\t${pid}\nPid:\t${pid}\nPPid:\t${ppid}\nUid:\t0\t0\t0\t0\n${kthread === undefined ? '' : `Kthread:\t${kthread}\n`}`;

  it('are counted, not listed: by their Kthread line, else as kthreadd and its children', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kb-pins-proc-'));
    try {
      const files: Record<number, string> = {
        1: status('systemd', 1, 0, 0),
        2: status('kthreadd', 2, 0, 1),
        3: status('kworker/0:1-events_power_efficient', 3, 2, 1),
        // A user-mode helper (/sbin/request-key): a kernel thread's child, not one itself.
        40: status('request-key', 40, 3, 0),
        // A kernel without the Kthread line: kthreadd's children are its threads.
        50: status('kworker/1:0', 50, 2),
        51: status('sshd', 51, 1),
      };
      for (const [pid, text] of Object.entries(files)) {
        mkdirSync(join(root, pid));
        writeFileSync(join(root, pid, 'status'), text);
      }
      const expected = {
        counts: new Map([[0, 6]]),
        lists: new Map([[0, [{ pid: 1, command: 'systemd' }, { pid: 40, command: 'request-key' }, { pid: 51, command: 'sshd' }]]]),
        kernelThreads: new Map([[0, 3]]),
      };
      expect(processesByRealUid(root)).toEqual(expected);
      expect(await processesByRealUidAsync(root)).toEqual(expected);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("on this machine: exactly the tasks whose flags in /proc/PID/stat have PF_KTHREAD", () => {
    const PF_KTHREAD = 0x00200000;
    // Processes come and go (kernel workers too): the oracle is read on both sides of the read, and must agree.
    for (let tries = 0; tries < 20; tries++) {
      const before = kernelThreadsByStat();
      const read = processesByRealUid('/proc');
      if (before !== kernelThreadsByStat()) continue;
      expect(read.kernelThreads.get(0)).toBe(before);
      expect(before).toBeGreaterThan(0);
      for (const list of read.lists.values()) for (const p of list) expect(isKernelThreadByStat(p.pid)).toBe(false);
      return;
    }
    throw new Error('the kernel threads never stood still');

    function kernelThreadsByStat(): number {
      let n = 0;
      for (const pid of readdirSync('/proc')) if (/^\d+$/.test(pid) && isKernelThreadByStat(Number(pid))) n++;
      return n;
    }
    function isKernelThreadByStat(pid: number): boolean {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      } catch {
        return false; // gone
      }
      // pid (comm) state ppid ... : the flags are the 9th field, the 7th after the command's closing parenthesis.
      const flags = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[6]);
      return (flags & PF_KTHREAD) !== 0;
    }
  });
});

describe('readPinEnvironment on this machine', () => {
  it('sees this process under its real uid and the real sysctls', () => {
    const env = readPinEnvironment();
    expect(env.processesByUid.get(process.getuid?.() ?? 0)).toBeGreaterThanOrEqual(1);
    expect(env.gcDelaySeconds).toBe(Number(readFileSync('/proc/sys/kernel/keys/gc_delay', 'utf8')));
    expect(env.persistentExpirySeconds).toBe(Number(readFileSync('/proc/sys/kernel/keys/persistent_keyring_expiry', 'utf8')));
    expect(env.userRegistryKeepsUserKeyrings).toBe(kernelAtLeast(readFileSync('/proc/sys/kernel/osrelease', 'utf8'), 5, 3));
  });
});

describe('parsing helpers', () => {
  it('takes the first Uid: field', () => {
    expect(realUidFromStatus(STATUS(1000))).toBe(1000);
    expect(realUidFromStatus('Name:\tx\n')).toBeNull();
  });

  it('reads the uid and command from the bytes as from the text, never from the bytes after them', () => {
    // A status as the kernel writes it (Name first, any command but line breaks, which it escapes), lines perhaps
    // missing or malformed, in a buffer whose bytes after it are another process's status.
    const stale = Buffer.from(`Name:\tstale\nUid:\t4242\t4242\t4242\t4242\n${'x'.repeat(200)}`, 'latin1');
    const comm = fc.string({ unit: fc.integer({ min: 0, max: 255 }).filter((c) => c !== 10 && c !== 13).map((c) => String.fromCharCode(c)), maxLength: 20 });
    const line = fc.oneof(
      fc.constant('State:\tS (sleeping)'),
      fc.constant('Tgid:\t7'),
      fc.constant('Uid:'),
      fc.constant('Uid:\t'),
      fc.constant('Uid:\tx'),
      fc.tuple(fc.constantFrom('\t', ' ', '\t\t'), fc.nat({ max: 0xffffffff })).map(([sep, uid]) => `Uid:${sep}${uid}\t${uid}\t0\t0`),
    );
    const status = fc.tuple(comm, fc.array(line, { maxLength: 4 }), fc.boolean()).map(([name, lines, cut]) => {
      const text = [`Name:\t${name}`, ...lines].join('\n') + '\n';
      return cut ? text.slice(0, -1) : text;
    });
    fc.assert(
      fc.property(status, (text) => {
        const buf = Buffer.alloc(512);
        stale.copy(buf);
        const length = buf.write(text, 'latin1');
        expect(realUidFromStatusBytes(buf, length)).toBe(realUidFromStatus(text));
        expect(commandFromStatusBytes(buf, length)).toBe(commandFromStatus(text));
      }),
    );
  });

  it('compares kernel releases by major and minor', () => {
    expect(kernelAtLeast('5.3.0', 5, 3)).toBe(true);
    expect(kernelAtLeast('5.2.99', 5, 3)).toBe(false);
    expect(kernelAtLeast('4.19.0', 5, 3)).toBe(false);
    expect(kernelAtLeast('6.0.1-foo', 5, 3)).toBe(true);
    expect(kernelAtLeast('6.18.44-fc-v782', 5, 3)).toBe(true);
    expect(kernelAtLeast('weird', 5, 3)).toBe(true);
  });
});
