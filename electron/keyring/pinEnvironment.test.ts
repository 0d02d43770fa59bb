import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  realUidFromStatus,
  realUidFromStatusBytes,
} from './pinEnvironment';

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
