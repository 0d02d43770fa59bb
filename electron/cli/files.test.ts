// `open` and `diff` through main(argv, io) with real keys and real files: a bad file is one sentence and
// exit 2; diff lists exactly what keyctl changed between two `snapshot --json` files.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Difference } from '../../shared/snapshotDiff';
import { recordingDeltaLine, recordingHeaderLine, snapshotFileText } from '../../shared/snapshotFile';
import type { Snapshot } from '../../shared/snapshot';
import { NO_ANCHORS, testKey, testSnapshot } from '../../shared/testing';
import { freshSession, keyctlCli, ownProcKeys, usagesSettle } from '../keyring/test/kernelHelpers';
import { main } from './main';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'kb-files-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('open and diff refuse bad files with a sentence and exit 2', () => {
  const good = file('good.json', snapshotFileText(testSnapshot([testKey(0x10)])));
  mkdirSync(join(dir, 'adir'));
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.json'), /missing\.json: cannot read it: no such file$/],
    [join(dir, 'adir'), /adir: it is a directory, not a file$/],
    ['/proc/self/mem', /mem: (not a regular file|cannot read it: input\/output error)$/],
    [file('text.json', 'hello there'), /text\.json: the file is not JSON/],
    [file('cut.json', snapshotFileText(testSnapshot([testKey(0x10)])).slice(0, 50)), /cut\.json: the file is not valid JSON \(cut off or damaged\?\)$/],
    [file('shape.json', '{"format":1,"keys":{}}'), /shape\.json: the file is not a valid snapshot: takenAt/],
    [file('newer.json', '{"format":7}'), /newer\.json: the file is in format 7, newer than this keyring-browser reads/],
    [file('notserial.json', snapshotFileText(testSnapshot([testKey(0x10)])).replace('"id":16', '"id":"x"')), /keys\.0\.id/],
    [file('twice.json', snapshotFileText(testSnapshot([testKey(0x10), testKey(0x10)]))), /lists key 00000010 twice/],
  ];
  for (const [path, reason] of cases) {
    it(`${path.replace(dir, '…')}`, async () => {
      for (const argv of [['open', path, '--port', '0'], ['diff', path, good], ['diff', good, path]]) {
        const r = await run(argv);
        expect(r.code).toBe(2);
        expect(r.out).toBe('');
        const lines = r.err.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^keyring-browser: /);
        expect(lines[0]).toMatch(reason);
      }
    });
  }

  it('an unreadable file (as an unprivileged user: root reads everything)', () => {
    const secret = file('secret.json', snapshotFileText(testSnapshot([testKey(0x10)])));
    chmodSync(secret, 0o600);
    chmodSync(dir, 0o755);
    const bin = resolve(__dirname, '..', '..', 'bin', 'keyring-browser');
    const r = spawnSync(process.execPath, [bin, 'diff', secret, secret], { encoding: 'utf8', uid: 65534, gid: 65534 });
    expect(r.stderr).toBe(`keyring-browser: ${secret}: cannot read it: permission denied\n`);
    expect(r.status).toBe(2);
  });
});

/**
 * `snapshot --json`, cut down to this test's session keyring and what hangs off it: as root this process
 * also sees the keys other test processes on the machine add and remove meanwhile.
 */
async function ownSnapshot(): Promise<string> {
  const r = await run(['snapshot', '--json']);
  expect(r.code).toBe(0);
  const s = JSON.parse(r.out) as Snapshot & { format: 1 };
  const byId = new Map(s.keys.map((k) => [k.id, k]));
  const mine = new Set<number>();
  const visit = (id: number | null): void => {
    if (id === null || mine.has(id) || !byId.has(id)) return;
    mine.add(id);
    for (const m of byId.get(id)!.links ?? []) visit(m);
  };
  visit(s.anchors.session);
  const keep = s.keys.filter((k) => mine.has(k.id)).map((k) => ({ ...k, pins: k.pins?.filter((p) => p.kind !== 'link' || mine.has(p.from)) }));
  const anchors = { ...NO_ANCHORS, session: s.anchors.session };
  return snapshotFileText({ ...s, keys: keep, anchors, quotas: s.quotas.filter((q) => q.uid === 0) });
}

describe('diff with real keys', () => {
  it('lists exactly the changes keyctl made: add, revoke, unlink, setperm, timeout; A A is no difference', async () => {
    const session = freshSession();
    // Each keyctl run's credentials hold the session keyring until they are freed after an RCU grace period, past
    // its exit; an unlinked key's reference goes the same way. A snapshot is taken once those are gone, so its
    // usages are the links' and ours (a CI run once saw "_ses usage 1 → 2" from a keyctl that had just exited).
    const sessionUsage = ownProcKeys().get(session)!.usage;
    const revokeMe = keyctlCli('add', 'user', 'revokeMe', 'r', '@s');
    const permMe = keyctlCli('add', 'user', 'permMe', 'p', '@s');
    const timeMe = keyctlCli('add', 'user', 'timeMe', 't', '@s');
    const ring = keyctlCli('newring', 'ring2', '@s');
    const unlinkMe = keyctlCli('add', 'user', 'unlinkMe', 'u', '@s');
    keyctlCli('link', unlinkMe, ring);
    await usagesSettle([[session, sessionUsage]], 'release the references of exited keyctl runs');
    const a = file('a.json', await ownSnapshot());

    const added = keyctlCli('add', 'user', 'newKey', 'n', '@s');
    keyctlCli('revoke', revokeMe);
    keyctlCli('setperm', permMe, '0x3f3f0000');
    keyctlCli('timeout', timeMe, '600');
    keyctlCli('unlink', unlinkMe, ring);
    await usagesSettle([[session, sessionUsage], [Number(unlinkMe), 1]], 'release the references of exited keyctl runs and the unlink');
    const b = file('b.json', await ownSnapshot());

    const same = await run(['diff', a, a]);
    expect(same).toEqual({ code: 0, out: 'No differences.\n', err: '' });

    const text = await run(['diff', a, b]);
    expect(text.code).toBe(1);
    const json = await run(['diff', a, b, '--json']);
    expect(json.code).toBe(1);
    const diffs = (JSON.parse(json.out) as { differences: Difference[] }).differences;
    const hex = (id: string) => Number(id).toString(16).padStart(8, '0');
    const keyLines = text.out.split('\n').filter((l) => !l.startsWith('quota'));
    const expected = [
      new RegExp(`^added     user “newKey” \\(${hex(added)}\\) in keyring “_ses” \\([0-9a-f]{8}\\)$`),
      // Linux prints a revoked key's timeout as "expd": that is said too.
      new RegExp(`^changed   user “revokeMe” \\(${hex(revokeMe)}\\): revoked(, expired)?$`),
      new RegExp(`^changed   user “permMe” \\(${hex(permMe)}\\): permissions 3f010000 → 3f3f0000 \\(user: -----v → alswrv\\)$`),
      new RegExp(`^changed   user “timeMe” \\(${hex(timeMe)}\\): expiry window: never expires → expires \\S+ \\S+–\\S+ \\S+ UTC$`),
      // The unlink drops one of the key's two references: both are said.
      new RegExp(`^changed   user “unlinkMe” \\(${hex(unlinkMe)}\\): usage 2 → 1$`),
      new RegExp(`^unlinked  user “unlinkMe” \\(${hex(unlinkMe)}\\) from keyring “ring2” \\(${hex(ring)}\\)$`),
    ];
    const lines = keyLines.filter(Boolean);
    expect(lines, lines.join('\n')).toHaveLength(expected.length);
    for (const re of expected) expect(lines.filter((l) => re.test(l)), String(re)).toHaveLength(1);
    expect(diffs.filter((d) => d.kind !== 'quota').map((d) => d.kind).sort()).toEqual(['added', 'changed', 'changed', 'changed', 'changed', 'unlinked']);
    // The new key counts against root's quota.
    expect(diffs.find((d) => d.kind === 'quota')).toMatchObject({ uid: 0, change: 'changed' });
  });

  it('a recording compares as its final state, and says when it was cut off', async () => {
    const start = testSnapshot([testKey(0x10)]);
    const rec = file(
      'rec.jsonl',
      recordingHeaderLine(start) +
        recordingDeltaLine({ seq: 1, takenAt: 2000, added: [testKey(0x20)], removed: [], changed: [], linksAdded: [], linksRemoved: [] }) +
        '{"seq":2,"takenAt":30',
    );
    const end = file('end.json', snapshotFileText(testSnapshot([testKey(0x10), testKey(0x20)], { takenAt: 2000 })));
    const r = await run(['diff', rec, end]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/rec\.jsonl: the recording ends in a cut-off line \(line 3\)/);
  });
});
