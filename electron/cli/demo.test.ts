// demo.ts against the real kernel: the shipped Kerberos fixture built in a fresh session keyring,
// checked with keyutils' keyctl (the independent oracle); and demo's exit codes through main().
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyctlCli } from '../keyring/test/kernelHelpers';
import { chargesOf } from '../../shared/quotaCharge';
import { scanSnapshot } from '../keyring/scanner';
import { keyUsersForget, quotaBytes, runAs, sessionsCollected } from '../test/throwawayUsers';
import { buildFixture, fixtureDescriptions, readFixture } from './demo';
import { parseFixture } from './fixture';
import { main } from './main';

const KERBEROS = join(__dirname, '..', '..', 'docs', 'fixtures', 'kerberos.json');

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(argv, { stdout: () => {}, stderr: (s) => void (err += s) });
  return { code, err };
}

describe('buildFixture with users (as root)', () => {
  it('adds the users, makes their keys as them in their own keyrings, and cleanup removes them and every key they owned', async () => {
    const name = `kbdemo${process.pid % 100000}`;
    const uid = 40000 + (process.pid % 10000);
    const fixture = parseFixture(
      JSON.stringify({
        users: [{ name, uid }],
        scope: 'all',
        keyrings: [{ name: 'cache', description: 'demo-user-cache', in: '@u', owner: name }],
        keys: [{ name: 'tokens', description: 'demo-token-{i}', count: 3, in: 'cache', owner: name }],
        perm: { cache: '0x3f0b0000' },
        collectedLinks: { cache: 5 },
      }),
    );
    const built = buildFixture(fixture);
    try {
      // Five keys went through its cache and the collector took them: 5 × 4 bytes charged that no key accounts for.
      await sessionsCollected(uid);
      const snapshot = await scanSnapshot({ scope: { kind: 'all' } });
      expect(quotaBytes(uid) - chargesOf(snapshot.keys, uid).bytes).toBe(5 * 4);
      // Root may not even view them (no override): ask as the user, the oracle for its own keys.
      const cache = built.ids.get('cache')![0]!;
      expect(runAs(uid, 'keyctl', 'rdescribe', String(cache))).toBe(`keyring;${uid};${uid};3f0b0000;demo-user-cache`);
      expect(runAs(uid, 'keyctl', 'rlist', String(cache)).split(' ').map(Number).sort()).toEqual([...built.ids.get('tokens')!].sort());
      expect(runAs(uid, 'keyctl', 'rdescribe', String(built.ids.get('tokens')![0]))).toMatch(new RegExp(`^user;${uid};${uid};[0-9a-f]+;demo-token-1$`));
      expect(runAs(uid, 'keyctl', 'rlist', '@u').split(' ').map(Number)).toContain(cache);
    } finally {
      built.cleanup();
    }
    expect(spawnSync('id', ['-u', name]).status).not.toBe(0);
    // Nothing of it is left in the kernel (userdel alone would leave its user keyrings in .user_reg).
    expect(await keyUsersForget(uid)).toBe(true);
  });
});

describe('buildFixture', () => {
  it('builds the Kerberos fixture: keyrings, keys, the extra link, timeouts and the revoked key', () => {
    const fixture = readFixture(KERBEROS);
    const { session, ids } = buildFixture(fixture);
    const id = (name: string) => ids.get(name)![0]!;
    expect(Number(keyctlCli('show', '-x', '@s').split('\n')[1]!.trim().split(/\s+/)[0])).toBe(session);
    expect(keyctlCli('rdescribe', String(id('alice')))).toMatch(/^keyring;0;0;[0-9a-f]+;work$/);
    // The shared ticket: in both caches.
    const members = (ring: string) => keyctlCli('rlist', String(id(ring))).split(' ').map(Number);
    expect(members('alice')).toContain(id('aliceNfs'));
    expect(members('admin')).toContain(id('aliceNfs'));
    expect(members('collection')).toEqual(expect.arrayContaining([id('alice'), id('admin'), id('primary')]));
    const procLine = (k: number) => readFileSync('/proc/keys', 'utf8').split('\n').find((l) => parseInt(l.split(' ')[0]!, 16) === k) ?? '';
    expect(procLine(id('aliceTgt'))).toMatch(/ (9|10)h /);
    expect(procLine(id('oldTgt')).split(/\s+/)[1]).toMatch(/R/);
    expect(fixtureDescriptions(fixture)).toContain('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
  });

  it('expands count and applies perm to every instance', () => {
    const f = parseFixture(JSON.stringify({ keys: [{ name: 'u', description: 'uid:{i}@test', count: 3 }], perm: { u: '0x3f0b0000' } }));
    const { ids } = buildFixture(f);
    expect(ids.get('u')).toHaveLength(3);
    for (const k of ids.get('u')!) expect(keyctlCli('rdescribe', String(k))).toMatch(/^user;0;0;3f0b0000;uid:\d@test$/);
  });
});

describe('demo and screenshot through main()', () => {
  it('a bad fixture exits 2 with the reason', async () => {
    const r = await run(['demo', '/nonexistent/fixture.json']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot read /nonexistent/fixture.json');
  });

  it('screenshot without chromium exits 1 with a sentence', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const r = await run(['screenshot', '--out', '/tmp/never.png']);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/chromium is not installed at \/nonexistent\/chromium/);
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
