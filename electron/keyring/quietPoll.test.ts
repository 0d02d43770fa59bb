// Quiet polls against the real kernel: a scanner that applies only what changed since its last poll must give
// the snapshot a full scan gives, after every kind of change, and must scan in full when the lines alone cannot
// tell (a member list changed without any /proc/keys line changing).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expiryAfterTimeoutSet, isWindow } from '../../shared/expiry';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import * as keyctl from './keyctl';
import { ReaderThread } from '../threads/readerThread';
import { Scanner, type ProcReader } from './scanner';
import type { ProcKeyLine } from './procKeys';
import type { ReadResult } from './sides';
import { pick, seededRandom } from '../../shared/seededRandom';
import { freshSession, kernelDid, ownProcKeys, possessingOpsOver, usagesSettle } from './test/kernelHelpers';
import { addThrowawayUser, exited, removeThrowawayUser, runAs } from '../test/throwawayUsers';

/**
 * A real reader that shows only the keys this test made (and the anchors): other tests and other users of the
 * machine change /proc/keys all the time, and this test must know which path each poll takes.
 */
class OwnKeysReader implements ProcReader {
  private readonly inner = new ReaderThread();
  constructor(private readonly ours: ReadonlySet<number>) {}
  helperKeyIds(): Promise<number[]> {
    return this.inner.helperKeyIds();
  }
  describe(ids: readonly number[]) {
    return this.inner.describe(ids);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  /** Our lines of `text` (a line by line walk: the machine's other keys are most of it, 40-50k lines here). */
  private keep(text: string): string {
    let kept = '';
    for (let at = 0; at < text.length; ) {
      const end = text.indexOf('\n', at);
      const next = end < 0 ? text.length : end + 1;
      if (this.ours.has(parseInt(text.slice(at, at + 8), 16))) kept += text.slice(at, next);
      at = next;
    }
    return kept;
  }
  readonly readsAsCreator = true;
  /** What was asked of /proc/keys, in order: a read of changes, a whole read, the last read whole. */
  readonly asked: ('changes' | 'whole' | 'lastWhole')[] = [];
  async read(procRoot: string, changesOnly?: boolean, members?: readonly number[]): Promise<ReadResult> {
    this.asked.push(changesOnly === true ? 'changes' : 'whole');
    const r = await this.inner.read(procRoot, changesOnly, members);
    if (r.keys.text !== undefined) return { ...r, keys: { text: this.keep(r.keys.text) } };
    if (r.keys.changes !== undefined) {
      const { text, removed } = r.keys.changes;
      return { ...r, keys: { changes: { text: this.keep(text), removed: removed.filter((id) => this.ours.has(id)) } } };
    }
    return r;
  }
  async lastWhole(procRoot: string): Promise<ReadResult | null> {
    this.asked.push('lastWhole');
    const r = await this.inner.lastWhole(procRoot);
    return r === null || r.keys.text === undefined ? r : { ...r, keys: { text: this.keep(r.keys.text) } };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What a snapshot says of a key, the time aside (expiry windows and doom bounds are compared apart), and the
 * processes a user keyring's pin counts (each scan reads them anew, and root's come and go between two scans).
 */
function facts(k: KeyInfo) {
  const pins = (k.pins ?? []).map((p) => (p.kind === 'user' ? { ...p, processes: 'counted', kernelThreads: 'counted', processList: 'listed' } : p));
  return { ...k, pins, expiry: isWindow(k.expiry) ? 'window' : k.expiry, doomed: k.doomed?.reason ?? null };
}

function same(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify(a.keys.map(facts)) === JSON.stringify(b.keys.map(facts)) && JSON.stringify(a.anchors) === JSON.stringify(b.anchors);
}

/** The same keys, each key's usage and credentials pin counts aside (the references a passing fork moves). */
function sameButReferences(a: Snapshot, b: Snapshot): boolean {
  const aside = (k: KeyInfo) => {
    const f = facts(k);
    return { ...f, usage: 'usage', pins: f.pins.map((p) => (p.kind === 'credentials' ? { ...p, count: 'count' } : p)) };
  };
  return JSON.stringify(a.keys.map(aside)) === JSON.stringify(b.keys.map(aside));
}

/**
 * The quiet scanner's next poll, checked against full scans taken just before and after it (retried until those
 * two agree: processes come and go, and their credentials' references move usages). Returns that poll and
 * whether it applied only the changes (the first try says how the change itself was taken).
 */
async function agreeing(quiet: Scanner, full: Scanner, what: string): Promise<{ snap: Snapshot; changesOnly: boolean }> {
  let firstPath: boolean | null = null;
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = await full.scan();
    const snap = await quiet.scan();
    firstPath ??= quiet.lastStats.changesOnly === true;
    const last = await full.scan();
    if (!same(first, last)) continue;
    // A reference held only while the quiet poll ran (a fork in another session: the session keyring's usage and
    // its credentials pin one more) falls between two full scans that agree. Only such a difference is tried again;
    // any other is a wrong poll.
    if (attempt < 9 && !same(snap, first) && sameButReferences(snap, first)) continue;
    expect(snap.keys.map(facts), what).toEqual(first.keys.map(facts));
    return { snap, changesOnly: firstPath };
  }
  throw new Error(`the keys never settled (${what})`);
}


/**
 * A process in a session keyring of its own (`keyctl session NAME sh -c SCRIPT`), as another login or daemon
 * looks to us. `said(word)` waits for the word on its stderr, `heard()` is all it said so far; the test writes
 * `go` to its stdin to let the script past a `read go`, and kills its process group (the sleep goes with it).
 */
function sessionProcess(name: string, script: string) {
  const child = spawn('keyctl', ['session', name, 'sh', '-c', script], { stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (err.includes(word) ? resolve() : undefined);
      child.stderr.on('data', check);
      child.once('exit', () => reject(new Error(`keyctl session exited: ${err}`)));
      check();
    });
  return { child, said, heard: () => err };
}
describe('quiet polls (scanner applying only what changed)', () => {
  let session: number;
  const ours = new Set<number>();
  let quiet: Scanner;
  let quietReader: OwnKeysReader;
  let full: Scanner;
  const own = (id: number): number => (ours.add(id), id);
  /** A quiet scanner that records which keyrings' members it read on the possessing side. */
  const countingScanner = () => {
    const reads: number[] = [];
    const counting = new Scanner({
      reader: new OwnKeysReader(ours),
      ops: possessingOpsOver({
        readKeyringMembers: (id) => (reads.push(id), keyctl.readKeyringMembers(id)),
        describe: keyctl.describe,
        getKeyringId: keyctl.getKeyringId,
      }),
    });
    return { counting, reads };
  };
  /** Waits (bounded) until the watched keys' usages are back as they were, and expects their whole lines so. */
  const expectLinesSettleAsBefore = async (lines: () => (ProcKeyLine | undefined)[], before: (ProcKeyLine | undefined)[]) => {
    await usagesSettle(before.map((line) => [line!.id, line!.usage]), "drop the swap's replaced references");
    expect(lines()).toEqual(before);
  };
  /** After x in a and y in b swapped places: the quiet scan reads the member lists again and shows the swap. */
  const expectSwapSeen = async (a: number, b: number, x: number, y: number) => {
    const asked = (quietReader.asked.length = 0, quietReader.asked);
    const snap = await quiet.scan();
    expect(quiet.lastStats.changesOnly).toBeUndefined(); // the member lists differ: a full scan
    // ... which goes on with the poll's read, whole, rather than read /proc/keys again.
    expect(asked).toEqual(['changes', 'lastWhole']);
    const byId = new Map(snap.keys.map((k) => [k.id, k]));
    expect(byId.get(a)?.links).toEqual([y]);
    expect(byId.get(b)?.links).toEqual([x]);
  };

  beforeEach(() => {
    session = own(freshSession());
    quietReader = new OwnKeysReader(ours);
    quiet = new Scanner({ reader: quietReader });
    full = new Scanner({ reader: new OwnKeysReader(ours), changesOnly: false });
  });
  afterEach(async () => {
    await Promise.all([quiet.close(), full.close()]);
    ours.clear();
  });

  it('a swap of two same-named keys between two keyrings changes no /proc/keys line, and is still seen', async () => {
    const a = own(keyctl.addKey('keyring', 'swap-a', null, session));
    const b = own(keyctl.addKey('keyring', 'swap-b', null, session));
    const x = own(keyctl.addKey('user', 'twin', Buffer.from('1'), a));
    const y = own(keyctl.addKey('user', 'twin', Buffer.from('1'), b));
    // Something else holds y while it is out of both (a key nothing references is collected at once).
    keyctl.link(y, own(keyctl.addKey('keyring', 'swap-hold', null, session)));
    await quiet.scan();
    const lines = () => {
      const l = ownProcKeys();
      return [a, b, x, y].map((id) => l.get(id));
    };
    const before = lines();
    // Linking a key into a keyring that holds one of the same type and description replaces it.
    keyctl.link(x, b);
    keyctl.link(y, a);
    expect(keyctl.readKeyringMembers(a)).toEqual([y]);
    expect(keyctl.readKeyringMembers(b)).toEqual([x]);
    // The replaced link's reference goes after an RCU grace period.
    await expectLinesSettleAsBefore(lines, before);
    await expectSwapSeen(a, b, x, y);
  });

  it('a swap of two differently named keys between two keyrings (two unlinks, two links) changes no /proc/keys line either', async () => {
    // So no rule on the lines can vouch for a member list, even where no two members share a type and description:
    // a keyring's count and each member's usage (one reference per link) are sums that these four steps leave as
    // they were.
    const a = own(keyctl.addKey('keyring', 'swap-a', null, session));
    const b = own(keyctl.addKey('keyring', 'swap-b', null, session));
    const x = own(keyctl.addKey('user', 'swap-x', Buffer.from('1'), a));
    const y = own(keyctl.addKey('user', 'swap-y', Buffer.from('1'), b));
    // Something else holds x and y while they are out of both (a key nothing references is collected at once).
    const hold = own(keyctl.addKey('keyring', 'swap-hold', null, session));
    keyctl.link(x, hold);
    keyctl.link(y, hold);
    await quiet.scan();
    const lines = () => {
      const l = ownProcKeys();
      return [a, b, x, y, hold].map((id) => l.get(id));
    };
    const before = lines();
    keyctl.unlink(x, a);
    keyctl.unlink(y, b);
    keyctl.link(y, a);
    keyctl.link(x, b);
    expect(keyctl.readKeyringMembers(a)).toEqual([y]);
    expect(keyctl.readKeyringMembers(b)).toEqual([x]);
    // An unlinked key's reference goes after an RCU grace period.
    await expectLinesSettleAsBefore(lines, before);
    await expectSwapSeen(a, b, x, y);
  });

  it('keeps a key whose timeout column stands as it was, window and all: an idle poll copies no keys', async () => {
    const timed = own(keyctl.addKey('user', 'q-timed', Buffer.from('t'), session));
    const started = Date.now();
    keyctl.setTimeout(timed, 3 * 3600 - 60); // `2h` for the next hour
    const set = expiryAfterTimeoutSet(3 * 3600 - 60, started, Date.now());
    await quiet.scan();
    const before = await quiet.scan();
    // Into another second: this poll's reading of `2h` is not the last one's.
    await sleep(1100);
    const after = await quiet.scan();
    expect(quiet.lastStats.changesOnly).toBe(true);
    expect(after.keys).toBe(before.keys);
    const key = after.keys.find((k) => k.id === timed);
    expect(key?.timeout).toBe('2h');
    // The window it was read with still holds the expiry (the service narrows it with each poll's time).
    const window = key?.expiry;
    if (!isWindow(window) || !isWindow(set)) throw new Error('expected windows');
    expect(window.from).toBeLessThanOrEqual(set.from);
    expect(window.to).toBeGreaterThanOrEqual(set.to);
  });

  it("applies another process's session keyring coming and going (one we may view but not read)", async () => {
    own(keyctl.addKey('user', 'q-mine', Buffer.from('m'), session));
    await quiet.scan();
    let joinedId = 0;
    // A session keyring with a key of its own, held by the child only (other users' logins look like this).
    const child = spawn('keyctl', ['session', 'q-other-session', 'sh', '-c', 'keyctl add user q-in-other x @s >/dev/null; echo added >&2; sleep 30'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true, // its own process group: the sleep goes with it
    });
    try {
      const joined = await new Promise<number>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /Joined session keyring: (\d+)/.exec(err);
          if (m && err.includes('added')) resolve(Number(m[1]));
        });
        child.once('exit', () => reject(new Error(`keyctl session exited: ${err}`)));
      });
      own(joined);
      joinedId = joined;
      const inside = keyctl.readKeyringMembers(joined);
      inside.forEach(own);
      const { snap: appeared, changesOnly } = await agreeing(quiet, full, 'after the session appeared');
      expect(changesOnly).toBe(true);
      const other = appeared.keys.find((k) => k.id === joined);
      expect(other).toMatchObject({ type: 'keyring', description: 'q-other-session', links: inside, possessed: false, orphan: true });
      expect(appeared.keys.find((k) => k.id === inside[0])?.pins).toEqual([{ kind: 'link', from: joined }]);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited(child);
    }
    // Its last reference went with the process: the kernel's collector takes it soon after.
    await kernelDid(() => !ownProcKeys().has(joinedId), 'collect the session keyring of a process that exited');
    const after = await agreeing(quiet, full, 'after the session went');
    expect(after.changesOnly).toBe(true);
    expect(after.snap.keys.some((k) => k.id === joinedId)).toBe(false);
  });

  it("applies a change in the members of another process's session keyring it may read (neither possessed nor reachable)", async () => {
    await quiet.scan();
    const { child, said, heard } = sessionProcess(
      'q-relisted',
      'keyctl setperm @s 0x3f030000; keyctl add user q-first x @s >/dev/null; echo ready >&2; read go; keyctl add user q-second x @s >/dev/null; keyctl unlink %user:q-first @s >/dev/null; echo changed >&2; sleep 30',
    );
    try {
      await said('ready');
      const joined = Number(/Joined session keyring: (\d+)/.exec(heard())?.[1]);
      own(joined);
      keyctl.readKeyringMembers(joined).forEach(own);
      const first = await agreeing(quiet, full, 'after the session appeared');
      expect(first.snap.keys.find((k) => k.id === joined)).toMatchObject({ possessed: false, orphan: true });
      child.stdin.write('go\n');
      await said('changed');
      const now = keyctl.readKeyringMembers(joined);
      now.forEach(own);
      const { snap, changesOnly } = await agreeing(quiet, full, 'after its members changed');
      expect(changesOnly).toBe(true);
      expect(snap.keys.find((k) => k.id === joined)?.links).toEqual(now);
      expect(snap.keys.find((k) => k.id === now[0])?.pins).toEqual([{ kind: 'link', from: joined }]);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
    }
  });

  it("does not read again a keyring it may neither read nor possess while its record stays; reads it once the record changes", async () => {
    // Another process's private keyring (keyctl newring: only a possessor may read it, root as its user may view it).
    // KEYCTL_READ refuses us while its permissions and our possession stay, and both keep its /proc/keys record.
    const { counting, reads } = countingScanner();
    await counting.scan();
    const { child, said, heard } = sessionProcess(
      'q-private-holder',
      'keyctl setperm @s 0x3f030000; r=$(keyctl newring q-private @s); echo "ring $r" >&2; read go; ' +
        'k=$(keyctl add user q-inside x $r); echo "added $k" >&2; read go; keyctl setperm $r 0x3f030000; echo opened >&2; sleep 30',
    );
    /** The counting scanner's next poll, and whether it read `ring`'s members. */
    const poll = async (what: string, ring: number) => {
      reads.length = 0;
      const { snap, changesOnly } = await agreeing(counting, full, what);
      return { snap, changesOnly, read: reads.includes(ring) };
    };
    try {
      await said('ring ');
      own(Number(/Joined session keyring: (\d+)/.exec(heard())?.[1]));
      const ring = own(Number(/ring (\d+)/.exec(heard())?.[1]));
      expect(() => keyctl.readKeyringMembers(ring)).toThrow(/EACCES/);
      const came = await poll('after the private keyring appeared', ring);
      expect(came.snap.keys.find((k) => k.id === ring)).toMatchObject({ links: null, possessed: false });
      // A process that reads it (another scanner of root's on this machine) holds a reference for a moment, which
      // moves its usage in /proc/keys: that poll reads it again. Within a few polls one finds its record as it was.
      let skipped = false;
      for (let i = 0; i < 10 && !skipped; i++) {
        const idle = await poll('with nothing changed', ring);
        skipped = idle.changesOnly && !idle.read;
      }
      expect(skipped).toBe(true);
      child.stdin.write('go\n');
      await said('added ');
      own(Number(/added (\d+)/.exec(heard())?.[1]));
      // Its record changed (its member count): read again, refused again.
      const added = await poll('after a key was added to it', ring);
      expect(added.read).toBe(true);
      expect(added.snap.keys.find((k) => k.id === ring)?.links).toBeNull();
      child.stdin.write('go\n');
      await said('opened');
      // Its permissions changed (its user may read it now): read again, and its members are seen.
      const opened = await poll('after its permissions let us read it', ring);
      expect(opened.read).toBe(true);
      expect(opened.snap.keys.find((k) => k.id === ring)?.links).toEqual(keyctl.readKeyringMembers(ring));
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
      await counting.close();
    }
  });

  it("has the reader read the keyrings a non-possessor may read, and still sees a swap between two of them", async () => {
    // Another process's keyrings that its user (root, as we are) may read: the reader, which possesses nothing,
    // reads them with /proc/keys (from our side each read would search all our keyrings for them first).
    const { counting, reads } = countingScanner();
    await counting.scan();
    const { child, said, heard } = sessionProcess(
      'q-readable',
      'keyctl setperm @s 0x3f030000; a=$(keyctl newring q-ra @s); b=$(keyctl newring q-rb @s); h=$(keyctl newring q-rh @s); ' +
        'keyctl setperm $a 0x3f030000; keyctl setperm $b 0x3f030000; ' +
        'x=$(keyctl add user twin 1 $a); y=$(keyctl add user twin 1 $b); keyctl link $y $h; ' +
        'echo "ids $a $b $h $x $y" >&2; read go; keyctl link $x $b; keyctl link $y $a; echo swapped >&2; sleep 30',
    );
    try {
      await said('ids ');
      own(Number(/Joined session keyring: (\d+)/.exec(heard())?.[1]));
      const [a, b, , x, y] = (/ids ([\d ]+)/.exec(heard())?.[1] ?? '').trim().split(' ').map((id) => own(Number(id)));
      await agreeing(counting, full, 'after the keyrings appeared');
      let readHere = true;
      for (let i = 0; i < 10 && readHere; i++) {
        reads.length = 0;
        const idle = await agreeing(counting, full, 'with nothing changed');
        readHere = !idle.changesOnly || reads.includes(a as number) || reads.includes(b as number);
      }
      expect(readHere, 'an idle poll read them on the possessing side').toBe(false);
      child.stdin.write('go\n');
      await said('swapped');
      const { snap } = await agreeing(counting, full, 'after the swap');
      expect(snap.keys.find((k) => k.id === a)?.links).toEqual([y]);
      expect(snap.keys.find((k) => k.id === b)?.links).toEqual([x]);
    } finally {
      process.kill(-(child.pid as number), 'SIGKILL');
      await counting.close();
    }
  });

  it("applies another user's keyrings coming to and going from .user_reg (members root may not view)", async () => {
    // .user_reg (kernel-held, so reachable) lists every uid's _uid.N and _uid_ses.N; as they come and go with users'
    // processes and keys, a poll that may view none of them applies the new member list.
    const registry = /^([0-9a-f]{8}) .* keyring +\.user_reg: /m.exec(readFileSync('/proc/keys', 'utf8'))?.[1];
    expect(registry, 'this kernel lists .user_reg').toBeDefined();
    const registryId = own(parseInt(registry as string, 16));
    // And what root may view below it (its own _uid.0, _uid_ses.0): the reader shows only this test's keys, and a
    // member the reader may view but does not show would be taken for a possessor-only key.
    const visible = ownProcKeys();
    const below = [registryId];
    while (below.length > 0) {
      const ring = below.pop() as number;
      for (const m of keyctl.readKeyringMembers(ring)) {
        if (!visible.has(m) || ours.has(m)) continue;
        own(m);
        if (visible.get(m)?.typeCut === 'keyring') below.push(m);
      }
    }
    await quiet.scan();
    const user = addThrowawayUser('kbq');
    let removed = false;
    try {
      runAs(user.uid, 'keyctl', 'add', 'user', 'q-users-key', 'x', '@u');
      const userKeyring = Number(runAs(user.uid, 'keyctl', 'id', '@u'));
      const came = await agreeing(quiet, full, "after the user's keyrings appeared");
      expect(came.changesOnly).toBe(true);
      expect(came.snap.keys.find((k) => k.id === registryId)?.links).toContain(userKeyring);
      expect(came.snap.keys.some((k) => k.id === userKeyring)).toBe(false); // root may not view it
      removeThrowawayUser(user);
      removed = true;
      // The collector takes the invalidated keyrings (and their links) soon after, not at once.
      await kernelDid(() => !keyctl.readKeyringMembers(registryId).includes(userKeyring), "collect a removed user's keyrings");
      const went = await agreeing(quiet, full, "after the user's keyrings went");
      expect(went.changesOnly).toBe(true);
      expect(went.snap.keys.find((k) => k.id === registryId)?.links).not.toContain(userKeyring);
    } finally {
      if (!removed) removeThrowawayUser(user);
    }
  });

  it('agrees with a full scan after every kind of change, applying only the changes where it may', async () => {
    const rings = [session];
    for (let i = 0; i < 4; i++) rings.push(own(keyctl.addKey('keyring', `q-ring-${i}`, null, rings[i % rings.length] as number)));
    const leaves: number[] = [];
    for (let i = 0; i < 12; i++) leaves.push(own(keyctl.addKey('user', `q-key-${i}`, Buffer.from('p'), rings[i % rings.length] as number)));
    const rand = seededRandom(7);
    // The keys as the last poll agreed they are (nothing but this test changes them between two rounds), not this
    // thread's /proc/keys: with the machine's other 40-50k keys (other tests, benches), reading and parsing it for
    // each leaf was 73 of this test's 92 s at load 16, and it is costly even read once (this thread possesses keys:
    // the kernel checks possession line by line).
    let now = await quiet.scan();
    const keyNow = (id: number): KeyInfo | undefined => now.keys.find((k) => k.id === id);
    const live = () => leaves.filter((id) => keyNow(id) !== undefined && !keyNow(id)!.flags.includes('R'));
    // Each change returns whether a quiet poll must take it as changes only (true), must scan in full (false), or
    // may do either (null).
    const any = (f: () => void) => (): boolean | null => (f(), null);
    const changes: [string, () => boolean | null][] = [
      ['nothing', () => true],
      ['permission keeping search', () => (keyctl.setPerm(pick(rand, live()), pick(rand, [0x3f010000, 0x3f3f0000, 0x3f0b0000])), true)],
      ['timeout', () => (keyctl.setTimeout(pick(rand, live()), 1000 + Math.floor(rand() * 1000)), true)],
      ["a keyring's timeout", () => (keyctl.setTimeout(pick(rand, rings.slice(1)), 1000 + Math.floor(rand() * 1000)), true)],
      ['payload of another length', () => (keyctl.update(pick(rand, live()), Buffer.from('q'.repeat(1 + Math.floor(rand() * 30)))), true)],
      ['group', () => (keyctl.chown(pick(rand, live()), -1, pick(rand, [0, 1, 2])), true)],
      ['revoke', () => (keyctl.revoke(pick(rand, live())), true)],
      [
        'permission without possessor search',
        () => {
          const searchable = live().filter((id) => keyNow(id)!.perm === 0x3f010000);
          if (searchable.length === 0) return null;
          keyctl.setPerm(pick(rand, searchable), 0x37010000);
          return false;
        },
      ],
      ['a new key in a keyring', () => (leaves.push(own(keyctl.addKey('user', `q-new-${leaves.length}`, Buffer.from('n'), pick(rand, rings)))), false)],
      ['a new keyring', () => (rings.push(own(keyctl.addKey('keyring', `q-ring-${rings.length}`, null, pick(rand, rings)))), false)],
      ['a second link', any(() => keyctl.link(pick(rand, live()), pick(rand, rings)))],
      ['unlink', any(() => keyctl.unlink(pick(rand, leaves), pick(rand, rings)))],
    ];
    let applied = 0;
    for (let round = 0; round < 40; round++) {
      const [what, change] = pick(rand, changes);
      let changesOnly: boolean | null = null;
      try {
        changesOnly = change();
      } catch (err) {
        if (!(err instanceof keyctl.KeyctlError)) throw err; // refused (a revoked key, a link already there): fine
      }
      const { snap, changesOnly: applied1 } = await agreeing(quiet, full, `after "${what}" (round ${round})`);
      now = snap;
      if (applied1) applied++;
      if (changesOnly !== null) expect(applied1, `path after "${what}"`).toBe(changesOnly);
    }
    expect(applied).toBeGreaterThan(10);
  }, 360_000); // 40 rounds of three scans each, retried while other processes' keys move: 60 s with a fifth of a core (load ~10 on 2 cores)
});
