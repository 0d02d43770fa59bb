// The CLI through main(argv, io) in this process, and through bin/keyring-browser as a whole process
// (when built). Real kernel: this test process sits in its own session keyring.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { NO_ANCHORS, testKey, testSnapshot } from '../../shared/testing';
import * as keyctl from '../keyring/keyctl';
import { freshSession } from '../keyring/test/kernelHelpers';
import { electronBinary } from './app';
import { main } from './main';
import { parseKeyUsers } from '../keyring/keyUsers';
import { renderTree } from './tree';

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('keyring-browser main()', () => {
  it('--help prints usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: keyring-browser');
  });

  it('a bad argument prints usage to stderr and exits 2', async () => {
    for (const argv of [['nope'], ['snapshot', '--yaml'], ['serve', '--port', 'abc'], ['quota', '--all'], ['snapshot', '--uid', 'abc']]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain('Usage: keyring-browser');
    }
  });

  it('quota prints /proc/key-users as a table with names and the limits', async () => {
    const session = freshSession();
    keyctl.addKey('user', 'quota-probe', Buffer.from('x'), session);
    const r = await run(['quota']);
    expect(r.code).toBe(0);
    const rootLine = r.out.split('\n').find((l) => /^ *0 {2}/.test(l));
    const root = parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.find((q) => q.uid === 0)!;
    // root's count moves with every other root process's keys: compare the limit, which does not.
    expect(rootLine).toMatch(new RegExp(`root +\\d+/${root.maxkeys} `));
    expect(r.out).toMatch(/Limits \(\/proc\/sys\/kernel\/keys\): maxkeys \d+, maxbytes \d+ per user; root_maxkeys \d+, root_maxbytes \d+ for uid 0\./);
    const json = await run(['quota', '--json']);
    const parsed = JSON.parse(json.out) as { quotas: { uid: number; name: string | null }[]; limits: Record<string, number> };
    expect(parsed.quotas.find((q) => q.uid === 0)?.name).toBe('root');
    expect(parsed.limits.rootMaxkeys).toBe(Number(readFileSync('/proc/sys/kernel/keys/root_maxkeys', 'utf8')));
  });

  it('snapshot --uid of a uid nobody has is refused in a sentence, exit 2', async () => {
    const r = await run(['snapshot', '--uid', '2147483000']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('keyring-browser: --uid 2147483000: no such user (not in /etc/passwd, and the kernel keeps no keys for it in /proc/key-users)\n');
  });

  it('a missing /proc/keys exits 1 with a sentence', async () => {
    const r = await run(['snapshot'], { KEYRING_BROWSER_PROC_ROOT: '/nonexistent-proc' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/keyrings are unavailable: .*does not exist: this kernel has no key management/);
  });

  it('snapshot --json prints the snapshot as JSON, never a payload', async () => {
    const session = freshSession();
    const key = keyctl.addKey('user', 'json "quoted" \\ key', Buffer.from('secret payload'), session);
    const r = await run(['snapshot', '--json']);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.out) as Snapshot;
    expect(snap.anchors.session).toBe(session);
    expect(snap.keys.find((k) => k.id === key)?.description).toBe('json "quoted" \\ key');
    expect(r.out).not.toContain('secret payload');
  });

  it('snapshot prints a tree a keyctl show user reads: anchors, states, shared keys once', async () => {
    const session = freshSession();
    const a = keyctl.addKey('keyring', 'ring a', null, session);
    const b = keyctl.addKey('keyring', 'ring b', null, session);
    const shared = keyctl.addKey('user', 'shared key', Buffer.from('x'), a);
    keyctl.link(shared, b);
    const gone = keyctl.addKey('user', 'revoked key', Buffer.from('x'), session);
    keyctl.revoke(gone);
    const timed = keyctl.addKey('user', 'timed key', Buffer.from('x'), session);
    keyctl.setTimeout(timed, 3 * 3600 + 600); // well inside '3h', which the kernel rounds down: 3 to 4 hours
    const r = await run(['snapshot']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    const hex = (id: number): string => id.toString(16).padStart(8, '0');
    expect(lines).toContain('Session keyring (@s):');
    const sessionLine = lines.findIndex((l) => l.startsWith(hex(session)));
    expect(lines[sessionLine]).toContain('keyring: _ses');
    expect(lines[sessionLine]).toContain('possessed');
    expect(lines.filter((l) => l.startsWith(hex(shared)) && l.includes('shared: 2 keyrings')).length).toBe(1);
    expect(lines.filter((l) => l.startsWith(hex(shared)) && l.includes('shown above')).length).toBe(1);
    expect(lines.find((l) => l.startsWith(hex(gone)))).toMatch(/user: revoked key .*revoked/);
    expect(lines.find((l) => l.startsWith(hex(timed)))).toMatch(/expires in 3–4 h/);
    expect(r.out.indexOf('Thread keyring')).toBeLessThan(r.out.indexOf('Session keyring'));
    expect(r.out.indexOf('User session keyring')).toBeLessThan(r.out.indexOf('User keyring (@u)'));
  });

  it('renderTree lists kernel-held keyrings and orphans after the anchors', () => {
    const key = (id: number, fields: Partial<KeyInfo>) => testKey(id, { flags: 'I------', possessed: false, ...fields });
    const snap = testSnapshot(
      [
        key(1, { type: 'keyring', description: '_ses', links: [], possessed: true }),
        key(2, { type: 'keyring', description: '.dns_resolver', links: [3] }),
        key(3, { type: 'dns_resolver', description: 'example.org' }),
        key(4, { type: 'keyring', description: 'lost', links: [5, 99], orphan: true }),
        key(5, { type: 'user', description: 'lost key', orphan: true }),
      ],
      { takenAt: 0, anchors: { ...NO_ANCHORS, session: 1 } },
    );
    const out = renderTree(snap);
    expect(out.indexOf('Kernel-held keyrings:')).toBeGreaterThan(out.indexOf('Persistent keyring'));
    expect(out).toContain('dns_resolver: example.org  <DNS');
    expect(out).toMatch(/keyring: _ses {2}<\w+ [^>]+>/);
    expect(out).toMatch(/keyring: lost$/m); // no role: no tag
    expect(out.indexOf('(orphans)')).toBeGreaterThan(out.indexOf('Kernel-held'));
    expect(out).toContain('(a member this process may not view)');
    expect(out).toContain('Persistent keyring: none');
  });

  it('renderTree prints the caches an unreadable krb5 collection probably holds under it, marked inferred', () => {
    const key = (id: number, fields: Partial<KeyInfo>) => testKey(id, { flags: 'I------', possessed: false, ...fields });
    const snap = testSnapshot(
      [
        key(1, { type: 'keyring', description: '_ses', links: [2], possessed: true }),
        key(2, { type: 'keyring', description: '_krb_work', links: null }),
        key(3, { type: 'keyring', description: 'krb_ccache_6C9qzTw', links: null, orphan: true }),
      ],
      { takenAt: 0, anchors: { ...NO_ANCHORS, session: 1 } },
    );
    const lines = renderTree(snap).split('\n');
    const cache = lines.findIndex((l) => l.includes('keyring: krb_ccache_6C9qzTw'));
    expect(lines[cache]).toMatch(/\\_ keyring: krb_ccache_6C9qzTw .*\[probably here: inferred/);
    expect(lines[cache - 1]).toMatch(/\\_ keyring: _krb_work/);
    expect(lines.join('\n')).not.toContain('(orphans)');
  });

  it("renderTree says under a uid's quota line why bytes no visible key accounts for are charged, when they matter", () => {
    const quota = (uid: number, name: string, qnbytes: number) => ({ uid, name, usage: 2, nkeys: 2, nikeys: 2, qnkeys: 2, maxkeys: 200, qnbytes, maxbytes: 20_000 });
    // Each uid's two keyrings cost 9 + 1 + 4 and 9 + 1 + 0 bytes: 24.
    const rings = (uid: number, first: number) => [
      testKey(first, { type: 'keyring', description: `_uid.${uid}`, uid, links: [first + 1], payloadLength: 4 }),
      testKey(first + 1, { type: 'keyring', description: 'ci-tokens', uid, links: [], payloadLength: 0 }),
    ];
    const snap = testSnapshot([...rings(4303, 50), ...rings(4304, 60)], {
      scope: { kind: 'all' },
      // carol is charged 12,000 bytes more than her keys cost; dave 2 (under 1 % of his limit and 10 % of his charge).
      quotas: [quota(4303, 'carol', 12_024), quota(4304, 'dave', 26), quota(4305, 'erin', 500)],
    });
    const lines = renderTree(snap).split('\n');
    const carol = lines.findIndex((l) => l.startsWith('  carol (uid 4303): 2/200 keys'));
    const why = lines.slice(carol + 1, lines.findIndex((l) => l.startsWith('  dave (uid 4304)')));
    expect(why.map((l) => l.trim()).join(' ')).toMatch(/^12,000 bytes are charged to no key this scan can see: a keyring keeps 4 bytes for each link .* and keys no view of this scan may see are charged too\.$/);
    expect(why.length).toBeGreaterThan(1);
    for (const l of why) expect(l.length <= 80 && l.startsWith('    ') && !l.startsWith('     ')).toBe(true);
    // dave's 2 bytes: his line alone. erin, none of whose keys the scan sees: all her 500 bytes.
    const dave = lines.findIndex((l) => l.startsWith('  dave (uid 4304)'));
    expect(lines[dave + 1]).toMatch(/^ {2}erin \(uid 4305\)/);
    expect(lines[dave + 2]).toMatch(/^ {4}500 bytes are charged to no key this scan can see/);

    // A process's own view does not set out to see other uids' keys: erin's charge is no gap there, but its own uid's is.
    const own = renderTree({ ...snap, uid: 4303, scope: { kind: 'process' } }).split('\n');
    expect(own.filter((l) => /^ {4}\d[\d,]* bytes are charged/.test(l))).toEqual([expect.stringMatching(/^ {4}12,000 bytes/)]);
  });

});

const bin = resolve(__dirname, '..', '..', 'bin', 'keyring-browser');

/** `snapshot --json` run by a Node that first runs `script` (which reports on stderr at exit); it must succeed. */
function snapshotJsonAfter(script: string) {
  const r = spawnSync(process.execPath, ['-e', `${script}; process.argv.splice(1, 0, ${JSON.stringify(bin)}); require(${JSON.stringify(bin)})`, '--', 'snapshot', '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  expect(r.status, r.stderr).toBe(0);
  return r;
}
// dist/ is built by vitest's global setup (electron/test/buildDist.ts).
describe('bin/keyring-browser as a process', () => {
  it('with no command and no Electron binary (npm start offline): one sentence, then serves the app and prints its URL', async () => {
    // ELECTRON_OVERRIDE_DIST_PATH at a folder without Electron: the same on a machine that has it installed.
    const env = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: resolve(__dirname, 'no-electron-here'), DISPLAY: '', WAYLAND_DISPLAY: '' };
    expect(electronBinary(env)).toBeNull();
    const child = spawn(process.execPath, [bin], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) done(out.split('\n')[0]!);
        });
        child.on('exit', () => fail(new Error(`exited before printing a URL: ${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/);
      const status = await fetch(new URL(`/api/status?${new URL(url).search.slice(1)}`, url));
      expect(status.status).toBe(200);
      expect(err).toMatch(/^keyring-browser: the Electron binary is not installed here .*serving the same app, read-only, to a browser instead/);
      expect(err).toContain('no display to open a browser on');
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('exit codes: 0 for snapshot --json, 2 for a bad argument, 1 without /proc/keys', () => {
    const ok = spawnSync(process.execPath, [bin, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(ok.status).toBe(0);
    expect(() => JSON.parse(ok.stdout)).not.toThrow();
    const bad = spawnSync(process.execPath, [bin, 'snapshot', '--nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Usage:');
    const none = spawnSync(process.execPath, [bin, 'snapshot'], { encoding: 'utf8', env: { ...process.env, KEYRING_BROWSER_PROC_ROOT: '/nonexistent-proc' } });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no key management/);
  });

  it('snapshot --json as a process sees what the caller possesses, though /proc/keys is read from a fresh session', () => {
    // bin/keyring-browser starts the reader first (electron/threads/prestart.ts): libuv's single pool thread
    // joins an empty session and reads /proc/keys, the main thread keeps our credentials and reads the
    // keyrings. A possessor-only keyring proves the possessing side is really ours; the output must be the
    // same as in-process.
    const session = freshSession();
    const ring = keyctl.addKey('keyring', 'possessor only', null, session);
    const inner = keyctl.addKey('user', 'inside "it"\nsecond line', Buffer.from('x'), ring);
    keyctl.setPerm(ring, 0x3f000000);
    // Outside ASCII: the reader hands the text over as bytes (threads/poolReader.ts), decoded where strings are taken.
    const wide = keyctl.addKey('user', 'ünïcode ✓ 鍵 🔑', Buffer.from('four'), session);
    const r = spawnSync(process.execPath, [bin, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const snap = JSON.parse(r.stdout) as Snapshot;
    expect(snap.anchors.session).toBe(session);
    const byId = new Map(snap.keys.map((k) => [k.id, k]));
    expect(byId.get(ring)).toMatchObject({ description: 'possessor only', possessed: true, orphan: false, links: [inner] });
    expect(byId.get(inner)).toMatchObject({ description: 'inside "it"\nsecond line', possessed: true, pins: [{ kind: 'link', from: ring }] });
    expect(byId.get(session)?.links).toContain(ring);
    expect(byId.get(wide)).toMatchObject({ description: 'ünïcode ✓ 鍵 🔑', payloadLength: 4, possessed: true });
    // Nothing of the CLI's own fresh session shows: every keyring in the snapshot is one we can account for.
    const sessions = snap.keys.filter((k) => k.type === 'keyring' && k.description === '_ses' && k.uid === (process.getuid?.() ?? 0));
    for (const k of sessions) expect(k.id === session || !k.possessed).toBe(true);
  });

  it('snapshot opens one script of ours, the bundle of its path, and no package but koffi (strace)', () => {
    // scripts/bundleCli.mjs makes dist/electron/cli/oneShot.bundle.js; resolving and reading ~50 files, or zod's
    // ~100 (shared/snapshotFile.ts), was a good part of a one-shot process.
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', process.execPath, bin, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(r.error, 'strace must be installed (.ci/run installs it)').toBeUndefined();
    expect(r.status).toBe(0);
    const root = resolve(__dirname, '..', '..');
    const opened = [...r.stderr.matchAll(/openat\(AT_FDCWD, "([^"]+\.(?:js|node))"/g)].map((m) => m[1]!).filter((f) => f.startsWith(root));
    const ours = opened.filter((f) => !f.includes('/node_modules/'));
    expect(ours.map((f) => f.slice(root.length))).toEqual(['/dist/electron/cli/oneShot.bundle.js']);
    for (const f of opened.filter((f) => f.includes('/node_modules/'))) expect(f).toMatch(/\/node_modules\/(@koromix\/)?koffi/);
  });

  it('snapshot loads neither Node\'s worker threads nor fs/promises (their code costs ~10 ms of CPU each at start)', () => {
    // Node's own modules the process loaded, printed at exit by a script preloaded with -r.
    const listAtExit = "process.on('exit', () => process.stderr.write('\\nMODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'))";
    const r = snapshotJsonAfter(listAtExit);
    const loaded = JSON.parse(/MODULES (.*)/.exec(r.stderr)?.[1] ?? '[]') as string[];
    expect(loaded).toContain('NativeModule fs'); // the list is Node's own module list
    expect(loaded).not.toContain('NativeModule worker_threads');
    expect(loaded).not.toContain('NativeModule fs/promises');
  });

  it('snapshot --json makes no Intl.NumberFormat (a process\'s first starts ICU\'s number formatting: ~20 ms of CPU)', () => {
    // shared/text.ts makes its count formatter on first use; the snapshot's bundle loads that module.
    const countMade = "const made = []; const NF = Intl.NumberFormat; Intl.NumberFormat = function (...a) { made.push(a); return new NF(...a); }; process.on('exit', () => process.stderr.write('\\nMADE ' + made.length + '\\n'))";
    const r = snapshotJsonAfter(countMade);
    expect(r.stderr).toMatch(/MADE 0\n/);
  });

  it('snapshot --json asks for huge pages for its WebAssembly arena and its C heap (strace; electron/keyring/hugePages.ts)', () => {
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=madvise', process.execPath, bin, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(r.error, 'strace must be installed (.ci/run installs it)').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    // A kernel built without transparent huge pages has no /sys/kernel/mm/transparent_hugepage and refuses the
    // advice with EINVAL; the snapshot is the same either way (the advice changes how memory is backed, no byte).
    const answer = existsSync('/sys/kernel/mm/transparent_hugepage/enabled') ? '0' : '-1 EINVAL';
    const advised = r.stderr.match(/MADV_HUGEPAGE\) = [^\n(]*/g) ?? [];
    expect(advised.map((call) => call.replace(/^MADV_HUGEPAGE\) = /, '').trim())).toEqual([answer, answer]);
  });

  it('never calls KEYCTL_GET_PERSISTENT nor looks up @u/@us (strace)', () => {
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=keyctl', process.execPath, bin, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(r.error, 'strace must be installed (.ci/run installs it)').toBeUndefined();
    const trace = r.stderr;
    expect(trace).toMatch(/keyctl\(KEYCTL_READ/);
    expect(trace).not.toMatch(/KEYCTL_GET_PERSISTENT/);
    expect(trace).not.toMatch(/KEY_SPEC_USER_KEYRING|KEY_SPEC_USER_SESSION_KEYRING/);
  });
});
