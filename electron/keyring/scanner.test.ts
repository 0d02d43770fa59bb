// The scanner against the real kernel, with keyutils' keyctl(1) and /proc/keys as oracles.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWindow } from '../../shared/expiry';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import * as keyctl from './keyctl';
import { ReaderThread } from '../threads/readerThread';
import { Scanner, scanSnapshot, type ProcReader } from './scanner';
import { pick, seededRandom } from '../../shared/seededRandom';
import { freshSession, freshSessionAndScannerEachTest, keyctlCli, ownProcKeys } from './test/kernelHelpers';

const x = (id: number): string => id.toString(16);

function byId(snap: Snapshot): Map<number, KeyInfo> {
  return new Map(snap.keys.map((k) => [k.id, k]));
}

/** `keyctl rlist` / `rdescribe` for every keyring reachable from the session: compare with the snapshot. */
function checkAgainstKeyctl(snap: Snapshot, session: number): void {
  const keys = byId(snap);
  const seen = new Set<number>();
  const walk = (ring: number): void => {
    if (seen.has(ring)) return;
    seen.add(ring);
    const listed = keyctlCli('rlist', String(ring)).split(/\s+/).filter(Boolean).map(Number);
    expect(keys.get(ring)?.links, `links of ${x(ring)}`).toEqual(listed);
    for (const id of listed) {
      let described: string;
      try {
        described = keyctlCli('rdescribe', String(id));
      } catch {
        continue; // revoked keys: checked by their own test
      }
      const [type, uid, gid, perm, ...desc] = described.split(';');
      const k = keys.get(id);
      expect(k, `key ${x(id)} in snapshot`).toBeDefined();
      expect([k?.type, k?.uid, k?.gid, k?.perm, k?.description]).toEqual([type, Number(uid), Number(gid), parseInt(perm as string, 16), desc.join(';')]);
      if (type === 'keyring') walk(id);
    }
  };
  walk(session);
}

describe('scanner against the kernel', () => {
  let session: number;
  let scanner: Scanner;
  freshSessionAndScannerEachTest((fresh) => ({ session, scanner } = fresh));

  it('matches keyctl rlist/rdescribe on random topologies with awkward descriptions', async () => {
    for (const seed of [11]) {
      const rand = seededRandom(seed);
      const rings = [session];
      const names = ['plain', 'with space', 'a: colon: 3', 'semi;colon', 'ünïcødé ✓', 'trailing: 12', 'x'.repeat(300), 'keyring: empty'];
      for (let i = 0; i < 10; i++) rings.push(keyctl.addKey('keyring', `${pick(rand, names)} r${seed}.${i}`, null, pick(rand, rings)));
      for (let i = 0; i < 25; i++) {
        const logon = rand() < 0.2;
        const desc = `${logon ? 'svc:' : ''}${pick(rand, names)} k${seed}.${i}`;
        const id = keyctl.addKey(logon ? 'logon' : 'user', desc, Buffer.from('p'.repeat(1 + Math.floor(rand() * 20))), pick(rand, rings));
        if (rand() < 0.2) keyctl.link(id, pick(rand, rings)); // shared keys
      }
    }
    const snap = await scanner.scan();
    checkAgainstKeyctl(snap, session);
    expect(snap.anchors.session).toBe(session);
    expect(byId(snap).get(session)?.possessed).toBe(true);
  });

  it('keeps revoked, negative, invalidated-then-gone and timed keys, never failing', async () => {
    const revoked = keyctl.addKey('user', 'to revoke: 1', Buffer.from('x'), session);
    keyctl.revoke(revoked);
    const revokedRing = keyctl.addKey('keyring', 'revoked ring', null, session);
    keyctl.addKey('user', 'inside', Buffer.from('x'), revokedRing);
    keyctl.revoke(revokedRing);
    const timed = keyctl.addKey('user', 'timed', Buffer.from('x'), session);
    keyctl.setTimeout(timed, 3600);
    const logon = keyctl.addKey('logon', 'svc:secret', Buffer.from('hidden'), session);
    // A negative key: request_key's construction key, rejected (`keyctl reject`) through keyctl(1).
    const invalid = keyctl.addKey('user', 'to invalidate', Buffer.from('x'), session);
    keyctl.invalidate(invalid);
    const before = Date.now();
    const snap = await scanner.scan();
    const keys = byId(snap);

    const r = keys.get(revoked);
    expect(r?.flags.charAt(1)).toBe('R');
    expect(r?.type).toBe('user');
    expect(r?.description).toBe('to revoke: 1');
    expect(keys.get(revokedRing)?.links).toEqual([]);
    expect(keys.get(revokedRing)?.flags.charAt(1)).toBe('R');

    const t = keys.get(timed);
    expect(t?.timeout).toMatch(/^(59m|1h)$/);
    // Set an hour ahead just before the scan: its window (one unit wide) holds that moment.
    const expiry = t?.expiry;
    expect(isWindow(expiry) && expiry.to - expiry.from <= 3600_000 + 1000).toBe(true);
    if (isWindow(expiry)) {
      expect(expiry.to).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000 - 60_000);
      expect(expiry.from).toBeLessThanOrEqual(Date.now() + 3600_000);
    }
    expect(keys.get(logon)?.type).toBe('logon');
    expect(keys.get(logon)?.description).toBe('svc:secret');
    expect(JSON.stringify(snap)).not.toContain('hidden'); // payloads never
    // An invalidated key goes at once: absent, or present with 'i' until the collector runs.
    const inv = keys.get(invalid);
    if (inv) expect(inv.flags.charAt(6)).toBe('i');
  });

  it('shows negative keys (request_key negated by the upcall) with their N flag', async () => {
    // /etc/request-key.conf (keyutils) negates unknown user keys and rejects debug:* ones on request.
    expect(() => keyctlCli('request2', 'user', 'negative one', 'info', '@s')).toThrow();
    expect(() => keyctlCli('request2', 'user', 'debug:rejected one', 'rejected', '@s')).toThrow();
    const snap = await scanner.scan();
    const neg = snap.keys.filter((k) => k.flags.charAt(5) === 'N' && snap.keys.find((r) => r.id === session)?.links?.includes(k.id));
    expect(neg.map((k) => k.description).sort()).toEqual(['debug:rejected one', 'negative one']);
    for (const k of neg) {
      expect(k.type).toBe('user');
      expect(isWindow(k.expiry)).toBe(true);
      expect(k.timeout).toMatch(/^\d+s$|^1m$/);
    }
  });

  it('refuses cycles (EDEADLK) and still scans a keyring linked from two places', async () => {
    const a = keyctl.addKey('keyring', 'a', null, session);
    const b = keyctl.addKey('keyring', 'b', null, a);
    expect(() => keyctl.link(a, b)).toThrow(/EDEADLK/);
    keyctl.link(b, session); // b: two parents
    const snap = await scanner.scan();
    const keys = byId(snap);
    const parents = snap.keys.filter((k) => k.links?.includes(b)).map((k) => k.id).sort();
    expect(parents).toEqual([a, session].sort());
    expect(keys.get(b)?.possessed).toBe(true);
  });

  it('shows possessor-only keyrings (0x3f000000) and their contents, with /proc/keys data', async () => {
    const ring = keyctl.addKey('keyring', 'private', null, session);
    const key = keyctl.addKey('user', 'private key', Buffer.from('x'), ring);
    keyctl.setTimeout(key, 7200 + 1800); // well inside "2h" (the column is rounded down), so the two reads agree
    keyctl.setPerm(key, 0x3f000000);
    keyctl.setPerm(ring, 0x3f000000);
    const invisible = keyctl.addKey('user', 'no view at all', Buffer.from('x'), ring);
    keyctl.setPerm(invisible, 0x3e000000);
    const snap = await scanner.scan();
    const keys = byId(snap);
    const proc = ownProcKeys();
    expect(keys.get(ring)?.possessed).toBe(true);
    expect(keys.get(ring)?.links).toEqual([key, invisible]);
    expect(keys.get(key)).toMatchObject({ type: 'user', description: 'private key', perm: 0x3f000000, possessed: true, flags: proc.get(key)?.flags });
    expect(keys.get(key)?.timeout).toBe(proc.get(key)?.timeout);
    expect(keys.has(invisible)).toBe(false); // a member nobody may view: only its id, in links
    expect(scanner.lastStats.possessorOnly).toBeGreaterThanOrEqual(2);
  });

  it('never shows the helper thread’s own session keyring, and leaves this thread’s credentials alone', async () => {
    const reader = new ReaderThread();
    const s = new Scanner({ reader });
    try {
      const snap = await s.scan();
      const helpers = await reader.helperKeyIds();
      expect(helpers.length).toBeGreaterThan(0);
      for (const id of helpers) {
        expect(snap.keys.some((k) => k.id === id)).toBe(false);
        for (const k of snap.keys) expect(k.links ?? []).not.toContain(id);
      }
      expect(keyctl.getKeyringId(-3, false)).toBe(session);
    } finally {
      await s.close();
    }
  });

  it('finds the anchors: session by id, user keyrings by name in /proc/keys', async () => {
    const snap = await scanner.scan();
    const uid = process.getuid?.() ?? 0;
    expect(snap.anchors.session).toBe(session);
    expect(snap.anchors.thread).toBeNull();
    expect(snap.anchors.process).toBeNull();
    const proc = [...ownProcKeys().values()];
    const find = (name: string): number | null => proc.find((l) => l.typeCut === 'keyring' && l.rest.startsWith(`${name}: `) && l.uid === uid)?.id ?? null;
    expect(snap.anchors.user).toBe(find(`_uid.${uid}`));
    expect(snap.anchors.userSession).toBe(find(`_uid_ses.${uid}`));
    expect(snap.anchors.persistent).toBe(find(`_persistent.${uid}`));
    // Kernel-held keyrings are roots of their own, not orphans; an unreachable keyring is an orphan.
    for (const k of snap.keys) if (k.type === 'keyring' && k.description.startsWith('.')) expect(k.orphan).toBe(false);
    expect(snap.keys.find((k) => k.id === session)?.orphan).toBe(false);
  });

  it('does not renew the persistent keyring: never calls GET_PERSISTENT or GET_KEYRING_ID(-4/-5)', async () => {
    keyctlCli('get_persistent', '@s'); // make sure it exists (this renews it, once, on purpose)
    const calls: string[] = [];
    const spyOps = {
      readKeyringMembers: keyctl.readKeyringMembers,
      readKeyringMembersUnlessSame: keyctl.readKeyringMembersUnlessSame,
      describe: keyctl.describe,
      getKeyringId: (id: number, create?: boolean) => {
        calls.push(`get_keyring_id ${id}`);
        return keyctl.getKeyringId(id, create);
      },
    };
    const s = new Scanner({ ops: spyOps });
    const timeoutOf = (id: number): string | undefined => ownProcKeys().get(id)?.timeout;
    try {
      const first = await s.scan();
      const persistent = first.anchors.persistent;
      expect(persistent).not.toBeNull();
      // Renewed to exactly 3 days, the column reads '3d' only during the first second, then '2d' for a day.
      // So wait past that second: a renewal by one of the scans below would show '3d' again.
      await new Promise((r) => setTimeout(r, 1100));
      const before = timeoutOf(persistent as number);
      expect(before).toMatch(/^2d$/);
      for (let i = 0; i < 3; i++) await s.scan();
      expect(timeoutOf(persistent as number)).toBe(before);
      // -7 asks whether we assumed authority to instantiate a key (refusedReads.ts): it looks up, never creates.
      expect(calls.every((c) => ['get_keyring_id -1', 'get_keyring_id -2', 'get_keyring_id -3', 'get_keyring_id -7'].includes(c))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('survives a second process churning keys while it scans: no errors, no phantom links', async () => {
    const ring = keyctl.addKey('keyring', 'churn', null, session);
    // The churner runs in this session (children inherit it) and adds, revokes, unlinks and invalidates.
    const script = `
      set -e
      for i in $(seq 1 150); do
        k=$(keyctl add user "c$i" x ${ring})
        case $((i % 4)) in 0) keyctl revoke $k ;; 1) keyctl unlink $k ${ring} ;; 2) keyctl invalidate $k ;; esac
        if [ $((i % 25)) = 0 ]; then r=$(keyctl newring "cr$i" ${ring}); keyctl add user in x $r >/dev/null; keyctl unlink $r ${ring}; fi
      done >/dev/null 2>&1`;
    const churner = spawn('bash', ['-c', script], { stdio: 'ignore' });
    const done = new Promise<void>((resolve) => churner.on('exit', () => resolve()));
    let scans = 0;
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished || scans < 3) {
      const snap = await scanner.scan();
      scans++;
      const ids = new Set(snap.keys.map((k) => k.id));
      expect(ids.size).toBe(snap.keys.length);
      const churnRing = snap.keys.find((k) => k.id === ring);
      for (const m of churnRing?.links ?? []) expect(ids.has(m), `member ${x(m)} of the churn keyring`).toBe(true);
      if (scans > 200) break;
    }
    await done;
    expect(scans).toBeGreaterThanOrEqual(3);
  });

  it('says in a sentence when /proc/keys is missing', async () => {
    const s = new Scanner({ procRoot: '/nonexistent-proc' });
    try {
      await expect(s.scan()).rejects.toThrow(/does not exist: this kernel has no key management/);
    } finally {
      await s.close();
    }
  });

  it('reads /proc/keys again for members added after its re-read, not taking them for possessor-only keys', async () => {
    // A keyring filled while a scan walks (the flood bench's 20k-key burst): members newer than the re-read were
    // described as possessor-only, and their rows cost the possessing side's /proc/keys read (14-16 s at 60k keys).
    const real = new ReaderThread();
    let reads = 0;
    let ring = 0;
    const late: number[] = [];
    const reader: ProcReader = {
      helperKeyIds: () => real.helperKeyIds(),
      read: async (...args: Parameters<ProcReader['read']>) => {
        const result = await real.read(...args);
        reads++;
        // After the first read, a keyring appears (the re-read finds it); after the re-read, keys join it.
        if (reads === 1) ring = keyctl.addKey('keyring', 'filling', null, session);
        if (reads === 2) for (let i = 0; i < 3; i++) late.push(keyctl.addKey('user', `late ${i}`, Buffer.from('x'), ring));
        return result;
      },
      describe: (ids) => real.describe(ids),
      close: () => real.close(),
    };
    const s = new Scanner({ reader, changesOnly: false });
    try {
      const snap = await s.scan();
      expect(late).toHaveLength(3);
      const ids = new Set(snap.keys.map((k) => k.id));
      for (const id of late) expect(ids.has(id), `late key ${x(id)}`).toBe(true);
      expect(s.lastStats.possessorOnly).toBe(0);
      expect(reads).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('reuses names between polls and DESCRIBEs only ambiguous keys', async () => {
    const describes: number[] = [];
    const real = new ReaderThread();
    const reader: ProcReader = {
      helperKeyIds: () => real.helperKeyIds(),
      read: (root) => real.read(root),
      describe: (ids) => {
        describes.push(...ids);
        return real.describe(ids);
      },
      close: () => real.close(),
    };
    for (let i = 0; i < 50; i++) keyctl.addKey('user', `plain ${i}`, Buffer.from('x'), session);
    const s = new Scanner({ reader });
    try {
      await s.scan();
      const first = describes.length;
      await s.scan();
      expect(describes.length - first).toBeLessThanOrEqual(first); // the second poll describes nothing new of ours
      const ours = new Set((await s.scan()).keys.filter((k) => k.description.startsWith('plain ')).map((k) => k.id));
      expect(describes.some((id) => ours.has(id))).toBe(false);
    } finally {
      await s.close();
    }
  });
});

describe('scanSnapshot', () => {
  it('produces the same keys as /proc/keys read by this process, for its own session', async () => {
    const session = freshSession();
    const k = keyctl.addKey('user', 'one', Buffer.from('x'), session);
    const snap = await scanSnapshot();
    const proc = ownProcKeys();
    const mine = snap.keys.find((key) => key.id === k);
    expect(mine).toMatchObject({ flags: proc.get(k)?.flags, perm: proc.get(k)?.perm, uid: proc.get(k)?.uid, possessed: true, orphan: false });
    expect(readFileSync('/proc/keys', 'utf8')).toContain(x(k).padStart(8, '0'));
  });
});
