// Possession: the userland rule (possession.ts) against the kernel. The oracle is the possessing thread's
// own /proc/keys: every test key grants view only to its possessor, so it is listed iff possessed.
import { describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import type { Observer } from '../../shared/perm';
import { MAX_SEARCHED_DEPTH, searchableWhenPossessed, walkPossession, type PermFacts } from './possession';
import { Scanner } from './scanner';
import { pick, seededRandom } from '../../shared/seededRandom';
import { freshSessionAndScannerEachTest, ownProcKeys } from './test/kernelHelpers';

const who = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, groups: [] as number[] };

interface PossessionInput {
  roots: readonly number[];
  facts: (id: number) => PermFacts | undefined;
  members: ReadonlyMap<number, readonly number[]>;
  who: Observer;
}

/** The scanner's walk over key ids instead of table rows: the set of ids possessed. */
function computePossession({ roots, facts, members, who }: PossessionInput): Set<number> {
  const possessed = new Set<number>();
  walkPossession(
    roots,
    (id) => members.get(id),
    (id) => searchableWhenPossessed(facts(id), who),
    (id) => members.has(id),
    (id) => possessed.add(id),
  );
  return possessed;
}

describe('computePossession (pure)', () => {
  const facts = new Map<number, PermFacts>();
  const f = (id: number, perm: number): void => void facts.set(id, { uid: who.uid, gid: who.gid, perm });
  it('needs search on the root, on every keyring on the path and on the key itself', () => {
    f(1, 0x3f000000);
    f(2, 0x3f000000);
    f(3, 0x37000000); // no search: not possessed, and its members are not searched
    f(4, 0x3f000000);
    f(5, 0x01080000); // possessor view + user search: search comes from the user byte
    const members = new Map<number, number[]>([
      [1, [2, 3, 5]],
      [2, []],
      [3, [4]],
    ]);
    const got = computePossession({ roots: [1], facts: (id) => facts.get(id), members, who });
    expect([...got].sort()).toEqual([1, 2, 5]);
    f(10, 0x37000000);
    expect(computePossession({ roots: [10], facts: (id) => facts.get(id), members: new Map([[10, [2]]]), who }).size).toBe(0);
  });

  it('possesses a root whose members it cannot read, and nothing through it', () => {
    f(20, 0x3f000000);
    f(21, 0x3f000000);
    f(22, 0x3f000000);
    // 20's members are unknown (not read); 21 is a readable root linking 22.
    const got = computePossession({ roots: [20, 21, 21], facts: (id) => facts.get(id), members: new Map([[21, [22]]]), who });
    expect([...got].sort()).toEqual([20, 21, 22]);
  });

  it('stops below depth 6 and survives cycles', () => {
    const chain = Array.from({ length: 12 }, (_, i) => 100 + i);
    for (const id of chain) f(id, 0x3f000000);
    const members = new Map<number, number[]>(chain.map((id, i) => [id, i + 1 < chain.length ? [chain[i + 1] as number] : [100]]));
    const got = computePossession({ roots: [100], facts: (id) => facts.get(id), members, who });
    // root depth 0; keyrings at depth <= 6 are searched, so depth 7 is the deepest possessed key.
    expect([...got].sort()).toEqual(chain.slice(0, MAX_SEARCHED_DEPTH + 2));
  });

  it('searches each keyring once however many paths reach it: a crafted web of 10^6 paths is one pass per poll', () => {
    // Anyone can link their keyrings so: six levels of 10 keyrings, each linking all 10 of the next, the root
    // (given twice) also holding three user keys. The kernel walks every path (it keeps no visited set); a
    // walk that did so on each poll would stall the app for as long as the user likes.
    const levels = Array.from({ length: MAX_SEARCHED_DEPTH }, (_, d) => Array.from({ length: 10 }, (_, i) => 1000 + d * 10 + i));
    const rootUserKeys = [900, 901, 902];
    const lastUserKeys = levels[MAX_SEARCHED_DEPTH - 1]!.map((id) => id + 5000);
    const members = new Map<number, number[]>([[1, [...levels[0]!, ...rootUserKeys]]]);
    levels.forEach((level, d) => level.forEach((id, i) => members.set(id, d + 1 < levels.length ? levels[d + 1]! : [lastUserKeys[i]!])));
    const searched = new Map<number, number>();
    const possessed = new Set<number>();
    walkPossession(
      [1, 1],
      (id) => {
        searched.set(id, (searched.get(id) ?? 0) + 1);
        return members.get(id);
      },
      () => true,
      (id) => members.has(id),
      (id) => possessed.add(id),
    );
    expect([...searched].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...searched.keys()].sort()).toEqual([...members.keys()].sort());
    expect([...possessed].sort()).toEqual([1, ...levels.flat(), ...rootUserKeys, ...lastUserKeys].sort());
  });
});

describe('possession against the kernel', () => {
  let session: number;
  let scanner: Scanner;
  freshSessionAndScannerEachTest((fresh) => ({ session, scanner } = fresh));

  it('a chain of possessor-only keyrings is possessed down to depth 7, like the kernel says', async () => {
    const rings: number[] = [];
    const leaves: number[] = [];
    let parent = session;
    for (let depth = 1; depth <= 9; depth++) {
      let ring: number;
      try {
        ring = keyctl.addKey('keyring', `chain-${depth}`, null, parent);
      } catch {
        break; // the parent is no longer possessed: we cannot write into it
      }
      rings.push(ring);
      let leaf: number;
      try {
        leaf = keyctl.addKey('user', `leaf-${depth}`, Buffer.from('x'), ring);
      } catch {
        break; // this keyring is already too deep to be possessed: no write
      }
      leaves.push(leaf);
      for (const id of [leaf, ring]) {
        try {
          keyctl.setPerm(id, 0x3f000000);
        } catch {
          /* too deep to be possessed: it keeps its default perm (user view) */
        }
      }
      parent = ring;
    }
    const proc = ownProcKeys();
    const snap = await scanner.scan();
    const byId = new Map(snap.keys.map((k) => [k.id, k]));
    for (const id of [...rings, ...leaves]) {
      const line = proc.get(id);
      const possessedByKernel = line !== undefined && (line.perm & 0x00ff0000) === 0;
      expect(byId.get(id)?.possessed ?? false, `key ${id.toString(16)}`).toBe(possessedByKernel);
    }
    // The kernel's limit as measured: chain-7 (depth 7) possessed, leaf-7 (depth 8) not.
    expect(byId.get(rings[6] as number)?.possessed).toBe(true);
    expect(byId.get(leaves[6] as number)?.possessed).toBe(false);
  });

  it('a session keyring without search possesses nothing through it', async () => {
    const inner = keyctl.addKey('keyring', 'inner', null, session);
    const key = keyctl.addKey('user', 'k', Buffer.from('x'), inner);
    keyctl.setPerm(session, 0x37030000); // possessor: all but search; user: view, read
    const snap = await scanner.scan();
    const byId = new Map(snap.keys.map((k) => [k.id, k]));
    // GET_KEYRING_ID(-3) itself needs search on the keyring: the kernel will not even name it (EACCES).
    expect(() => keyctl.getKeyringId(-3, false)).toThrow(/EACCES/);
    expect(snap.anchors.session).toBeNull();
    expect(byId.get(session)?.possessed).toBe(false);
    expect(byId.get(session)?.orphan).toBe(true);
    expect(byId.get(inner)?.possessed).toBe(false);
    expect(byId.get(key)?.possessed).toBe(false);
    // The kernel agrees: reading a keyring with only user view (3f010000) needs possession.
    expect(() => keyctl.readKeyringMembers(inner)).toThrow(/EACCES/);
  });

  it('a key reached only through a keyring whose bits hide it from us is not called unpossessed', async () => {
    // A keyring the possessor may search but nobody may view or read: /proc/keys hides it and DESCRIBE is refused,
    // so its permission and its members are the kernel's secret; the kernel still searches through it.
    const hidden = keyctl.addKey('keyring', 'hidden', null, session);
    const inside = keyctl.addKey('user', 'inside', Buffer.from('x'), hidden);
    keyctl.setPerm(inside, 0x3f010000); // user view: listed whether possessed or not
    const elsewhere = keyctl.addKey('keyring', 'elsewhere', null, keyctl.KEY_SPEC.SESSION);
    const stranded = keyctl.addKey('user', 'stranded', Buffer.from('x'), elsewhere);
    keyctl.setPerm(stranded, 0x3f010000);
    keyctl.setPerm(elsewhere, 0x3f010000);
    keyctl.setPerm(hidden, 0x08000000);
    expect(() => keyctl.describe(hidden)).toThrow(/EACCES/);
    // The kernel: a search from our keyrings finds it, so we possess it.
    expect(keyctl.search(session, 'user', 'inside')).toBe(inside);
    const snap = await scanner.scan();
    const byId = new Map(snap.keys.map((k) => [k.id, k]));
    const k = byId.get(inside);
    expect(k).toBeDefined();
    // We cannot read the hidden keyring's members, so we cannot know: the snapshot must not say "no".
    expect(k?.possessed === true || k?.possessionUnknown === true).toBe(true);
    expect(k?.possessed === true && k.possessionUnknown === true).toBe(false);
    // A key in a keyring we possess and read is known either way, hidden keyring or not.
    expect(byId.get(elsewhere)?.possessed).toBe(true);
    expect(byId.get(elsewhere)?.possessionUnknown).toBeUndefined();
    expect(byId.get(stranded)?.possessed).toBe(true);
    // A poll after a change says the same as a full scan: it is one (quietPoll.ts changedKeys: which keys' possession
    // is unknown rests on every key's usage and every link while a keyring we cannot list is searched).
    keyctl.setPerm(inside, 0x3f030000);
    const quiet = (await scanner.scan()).keys.find((key) => key.id === inside);
    const full = new Scanner({ changesOnly: false });
    try {
      const scanned = (await full.scan()).keys.find((key) => key.id === inside);
      expect(quiet?.perm).toBe(0x3f030000);
      expect(scanner.lastStats.changesOnly).toBeUndefined();
      expect(quiet?.possessionUnknown).toBe(scanned?.possessionUnknown);
      expect(quiet?.possessed).toBe(scanned?.possessed);
    } finally {
      await full.close();
    }
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random topology #${seed}: possessed and visible sets equal the kernel's`, async () => {
      const rand = seededRandom(seed);
      const staging = keyctl.addKey('keyring', 'staging', null, session);
      const rings: number[] = [];
      const leaves: number[] = [];
      const ringCount = 10 + Math.floor(rand() * 25);
      for (let i = 0; i < ringCount; i++) rings.push(keyctl.addKey('keyring', `ring-${i}`, null, staging));
      for (let i = 0; i < 3 * ringCount; i++) {
        const logon = rand() < 0.2; // logon descriptions need a "service:" prefix
        leaves.push(keyctl.addKey(logon ? 'logon' : 'user', logon ? `svc:leaf ${i}` : `leaf-${i}`, Buffer.from('x'), staging));
      }
      // A DAG: each keyring under an earlier one (often the previous: deep chains), some under the session.
      rings.forEach((ring, i) => {
        const parent = i === 0 || rand() < 0.15 ? session : rand() < 0.5 ? (rings[i - 1] as number) : pick(rand, rings.slice(0, i));
        keyctl.link(ring, parent);
        if (i > 1 && rand() < 0.3) {
          try {
            keyctl.link(ring, pick(rand, rings.slice(0, i))); // multi-parent
          } catch (err) {
            if (!(err instanceof keyctl.KeyctlError) || !['ELOOP', 'EDEADLK'].includes(err.code)) throw err;
          }
        }
      });
      for (const leaf of leaves) {
        keyctl.link(leaf, pick(rand, rings));
        if (rand() < 0.2) keyctl.link(leaf, pick(rand, rings));
      }
      // Possessor view everywhere, never user view: listed in /proc/keys iff possessed. Search varies, and
      // sometimes comes from the user byte only.
      const perms = [0x3f000000, 0x3f000000, 0x37000000, 0x01080000, 0x3b000000, 0x1f000000];
      for (const id of [...leaves, ...rings]) keyctl.setPerm(id, pick(rand, perms));
      for (const id of [...rings, ...leaves]) keyctl.unlink(id, staging);
      keyctl.unlink(staging, session);

      const proc = ownProcKeys();
      const snap = await scanner.scan();
      const byId = new Map(snap.keys.map((k) => [k.id, k]));
      for (const id of [...rings, ...leaves]) {
        const listed = proc.has(id);
        expect(byId.has(id), `key ${id.toString(16)} visible`).toBe(listed);
        if (listed) expect(byId.get(id)?.possessed, `key ${id.toString(16)} possessed`).toBe(true);
      }
      // Possessed keyrings' links are what the kernel says, in its order.
      for (const ring of rings) {
        const k = byId.get(ring);
        if (k) expect(k.links).toEqual(keyctl.readKeyringMembers(ring));
      }
    });
  }
});
