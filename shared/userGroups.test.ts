import { describe, expect, it } from 'vitest';
import type { Anchors, KeyInfo, QuotaInfo, ScanScope } from './snapshot';
import { NO_ANCHORS, testKey } from './testing';
import { groupKeysByUser, quotaBreakdown, registeredUserKeyring, showsUsers, unreadableKeyringsOf, userGroupMembers, type UserGroupInput } from './userGroups';

const ring = (id: number, description: string, uid: number, links: number[] | null = []): KeyInfo =>
  testKey(id, { type: 'keyring', description, uid, links, possessed: false });
const key = (id: number, uid: number, description = `k${id}`): KeyInfo => testKey(id, { description, uid, possessed: false });

function quota(uid: number, name: string | null, qnkeys = 1): QuotaInfo {
  return { uid, name, usage: 1, nkeys: qnkeys, nikeys: qnkeys, qnkeys, maxkeys: 200, qnbytes: 10, maxbytes: 20000 };
}

function input(list: KeyInfo[], fields: { quotas?: QuotaInfo[]; scope?: ScanScope; uid?: number; anchors?: Anchors } = {}): UserGroupInput {
  const keys = new Map(list.map((k) => [k.id, k]));
  const parents = new Map<number, number[]>();
  for (const k of list) for (const m of k.links ?? []) parents.set(m, [...(parents.get(m) ?? []), k.id]);
  return { keys, parents, quotas: fields.quotas ?? [], anchors: fields.anchors ?? NO_ANCHORS, uid: fields.uid ?? 0, ...(fields.scope ? { scope: fields.scope } : {}) };
}

const ALL: ScanScope = { kind: 'all' };

// Two users as the kernel shows them to root's `all` scan: registries linking their user keyrings.
function system(): KeyInfo[] {
  return [
    ring(1, '.user_reg', 0, [10, 11, 20, 21]),
    ring(2, '.persistent_register', 0, [12]),
    ring(10, '_uid.1000', 1000, [100]),
    ring(11, '_uid_ses.1000', 1000, [10]),
    ring(12, '_persistent.1000', 1000, []),
    ring(20, '_uid.1001', 1001, []),
    ring(21, '_uid_ses.1001', 1001, [20]),
    key(100, 1000, 'alice-token'),
    ring(30, '_ses', 1000, [31]), // alice's login session, held by her shell's credentials
    key(31, 1000),
    ring(40, 'backup-job', 1001, [41]), // a named session of bob's (keyctl session backup-job)
    key(41, 1001),
    ring(50, '_pid', 1001, []), // a process keyring: not a session
    key(60, 1001, 'held-elsewhere'),
  ];
}

describe('groupKeysByUser', () => {
  it("puts each uid's user, user-session and persistent keyrings, sessions and unlinked keys under it", () => {
    const groups = groupKeysByUser(input(system(), { scope: ALL, quotas: [quota(0, 'root'), quota(1000, 'alice'), quota(1001, 'bob')] }));
    expect(groups.map((g) => [g.uid, g.name])).toEqual([
      [0, 'root'],
      [1000, 'alice'],
      [1001, 'bob'],
    ]);
    const [, alice, bob] = groups;
    expect(alice).toMatchObject({ userKeyring: 10, userSessionKeyring: 11, persistentKeyring: 12, sessionKeyrings: [30], unlinked: [] });
    expect(bob).toMatchObject({ userKeyring: 20, userSessionKeyring: 21, persistentKeyring: null, sessionKeyrings: [40], unlinked: [50, 60] });
    expect(userGroupMembers(bob!)).toEqual([20, 21, 40, 50, 60]);
    expect(alice!.quota?.qnkeys).toBe(1);
  });

  it('does not take a keyring a user named _uid.0 for root’s user keyring', () => {
    const list = [...system(), ring(70, '_uid.0', 1000, []), ring(80, '_uid.1001', 1000, [])];
    list[8] = ring(30, '_ses', 1000, [31, 70, 80]);
    const groups = groupKeysByUser(input(list, { scope: ALL }));
    expect(groups.find((g) => g.uid === 0)?.userKeyring ?? null).toBeNull();
    expect(groups.find((g) => g.uid === 1001)?.userKeyring).toBe(20);
    expect(groups.flatMap(userGroupMembers)).not.toContain(70);
  });

  it('requires the owner to match the name even inside the registry', () => {
    const list = system();
    list[2] = ring(10, '_uid.1000', 1001, [100]);
    const groups = groupKeysByUser(input(list, { scope: ALL }));
    expect(groups.find((g) => g.uid === 1000)?.userKeyring ?? null).toBeNull();
  });

  it('uses the anchors for the observer’s own keyrings when no registry is visible', () => {
    const list = [ring(5, '_uid.0', 0, []), ring(6, '_uid_ses.0', 0, [5]), key(7, 1000)];
    const groups = groupKeysByUser(input(list, { scope: ALL, anchors: { ...NO_ANCHORS, user: 5, userSession: 6 } }));
    expect(groups.find((g) => g.uid === 0)).toMatchObject({ userKeyring: 5, userSessionKeyring: 6 });
    expect(groups.find((g) => g.uid === 1000)).toMatchObject({ unlinked: [7] });
  });

  it('has a node for every uid of the quotas in the system view, even one whose keys it cannot see', () => {
    const groups = groupKeysByUser(input([], { scope: ALL, quotas: [quota(4242, null)] }));
    expect(groups).toEqual([
      { uid: 4242, name: null, quota: quota(4242, null), userKeyring: null, userSessionKeyring: null, persistentKeyring: null, sessionKeyrings: [], unlinked: [] },
    ]);
  });

  it("in a process's own view shows only other uids' keys, and nothing when there are none", () => {
    const own = [ring(1, '_ses', 0, [2]), key(2, 0)];
    expect(showsUsers(input(own, { quotas: [quota(0, 'root'), quota(1000, 'alice')] }))).toBe(false);
    expect(groupKeysByUser(input(own, { quotas: [quota(0, 'root'), quota(1000, 'alice')] }))).toEqual([]);
    const chowned = [ring(1, '_ses', 0, [2, 3]), key(2, 0), ring(3, 'container', 4300, [4]), key(4, 4300)];
    const groups = groupKeysByUser(input(chowned, { quotas: [quota(0, 'root'), quota(4300, null, 2)] }));
    // Key 3 is linked from this process's session: it shows there; the user node still carries the quota.
    expect(groups).toEqual([expect.objectContaining({ uid: 4300, quota: quota(4300, null, 2), sessionKeyrings: [], unlinked: [] })]);
  });

  it('leaves kernel-held keyrings to their own section', () => {
    const groups = groupKeysByUser(input([ring(1, '.dns_resolver', 0, [])], { scope: ALL }));
    expect(groups).toEqual([]);
  });
});

describe('groupKeysByUser, who owns what', () => {
  const byUid = (groups: ReturnType<typeof groupKeysByUser>, uid: number) => groups.find((g) => g.uid === uid);

  it('lists the users by uid, whatever order the quotas and keys come in', () => {
    const groups = groupKeysByUser(input([...system()].reverse(), { scope: ALL, quotas: [quota(1001, 'bob'), quota(0, 'root'), quota(1000, 'alice')] }));
    expect(groups.map((g) => g.uid)).toEqual([0, 1000, 1001]);
    expect(byUid(groups, 1001)).toMatchObject({ sessionKeyrings: [40], unlinked: [50, 60] });
  });

  it("leaves the observer's own thread, process and session keyrings to 'This process', and groups its other keys", () => {
    const anchors = { ...NO_ANCHORS, session: 30, user: 10 };
    const list = [...system(), ring(32, '_ses', 1000, [])];
    const groups = groupKeysByUser(input(list, { scope: ALL, uid: 1000, anchors }));
    expect(byUid(groups, 1000)).toMatchObject({ userKeyring: 10, sessionKeyrings: [32] });
  });

  it("in a process's own view puts another uid's unlinked key under it, and makes no group for the observer", () => {
    const list = [ring(1, '_ses', 1000, []), ring(2, '_uid.1000', 1000, []), key(5, 4300)];
    const groups = groupKeysByUser(input(list, { uid: 1000, anchors: { ...NO_ANCHORS, session: 1, user: 2 } }));
    expect(groups).toEqual([expect.objectContaining({ uid: 4300, unlinked: [5] })]);
  });

  it('shows no Users section to a root process that sees only its own keys, the user registry included', () => {
    const list = [ring(1, '_ses', 0, [2]), ring(2, '.user_reg', 0, [3]), ring(3, '_uid.0', 0, [])];
    expect(groupKeysByUser(input(list, { anchors: { ...NO_ANCHORS, session: 1, user: 3 } }))).toEqual([]);
  });

  it("prefers the registry's user keyring to an anchor naming another, and ignores an anchor the observer does not own", () => {
    // 70: a keyring alice named _uid.1000 herself, in her session; 90: one of bob's that the anchors name for root.
    const list = [...system(), ring(70, '_uid.1000', 1000, []), ring(90, '_persistent.0', 1001, [])];
    list[8] = ring(30, '_ses', 1000, [31, 70]);
    expect(byUid(groupKeysByUser(input(list, { scope: ALL, uid: 1000, anchors: { ...NO_ANCHORS, user: 70 } })), 1000)?.userKeyring).toBe(10);
    expect(byUid(groupKeysByUser(input(list, { scope: ALL, uid: 0, quotas: [quota(0, 'root')], anchors: { ...NO_ANCHORS, persistent: 90 } })), 0)?.persistentKeyring).toBeNull();
  });

  it('takes a persistent keyring only from .persistent_register, with a matching owner', () => {
    const list = [
      ring(1, '.persistent_register', 0, [2, 3, 4]),
      ring(2, 'not-persistent', 1002, []),
      ring(3, '_persistent.1003', 1002, []), // owner and name disagree
      ring(4, '_persistent.1004', 1004, []),
      ring(5, 'shelf', 1002, [6]),
      ring(6, '_persistent.1002', 1002, []), // right name and owner, but not registered
    ];
    const groups = groupKeysByUser(input(list, { scope: ALL, quotas: [quota(1002, null), quota(1003, null), quota(1004, null)] }));
    expect(groups.map((g) => [g.uid, g.persistentKeyring])).toEqual([
      [1002, null],
      [1003, null],
      [1004, 4],
    ]);
  });

  it('puts a registered user keyring whose owner is not the uid in its name under nobody', () => {
    const list = [ring(1, '.user_reg', 0, [10]), ring(10, '_uid.1000', 1002, [])];
    const groups = groupKeysByUser(input(list, { scope: ALL, quotas: [quota(1000, null), quota(1002, null)] }));
    expect(groups.map((g) => [g.uid, g.userKeyring])).toEqual([
      [1000, null],
      [1002, null],
    ]);
  });
});

describe('registeredUserKeyring', () => {
  it("finds a uid's _uid.N among .user_reg's members, by name and owner, never one a user named so", () => {
    const keys = new Map(system().map((k) => [k.id, k]));
    expect(registeredUserKeyring(keys, 1000)).toBe(10);
    expect(registeredUserKeyring(keys, 1001)).toBe(20);
    expect(registeredUserKeyring(keys, 0)).toBeNull();
    const fake = new Map([
      [1, ring(1, '.user_reg', 0, [11, 12, 13])],
      [11, ring(11, '_uid.0', 1000, [])], // owner is not 0
      [12, ring(12, '_uid_ses.0', 0, [])], // a user-session keyring, not the user keyring
      [13, key(13, 0, '_uid.0')], // not a keyring
      [20, ring(20, 'mine', 0, [21])],
      [21, ring(21, '_uid.0', 0, [])], // right name and owner, outside the registry
      [30, testKey(30, { description: '.user_reg', uid: 0, links: [21] })], // a user key so named (a snapshot file may give it members)
      [40, ring(40, '.user_reg', 0, null)], // a registry whose members this process cannot read
    ]);
    expect(registeredUserKeyring(fake, 0)).toBeNull();
  });
});

describe('quotaBreakdown', () => {
  const list = [
    ring(1, '_uid.1000', 1000, [3, 4, 5, 6]),
    ring(2, '_ses', 1000, [5, 6, 7]),
    key(3, 1000),
    key(4, 1000),
    key(5, 1000),
    key(6, 1000),
    key(7, 1000),
    key(8, 1000), // nothing visible links it
    ring(9, 'root-ring', 0, [10]),
    key(10, 1000), // root holds one of alice's keys
    key(11, 0),
  ];

  it('ranks the keyrings holding the user’s keys, counting a key in each keyring that holds it', () => {
    const b = quotaBreakdown(input(list), 1000);
    expect(b.byCount.map((h) => [h.keyring, h.keys])).toEqual([
      [1, 4],
      [2, 3],
      [null, 3], // keys 1, 2 (keyrings nothing visible links) and 8
      [9, 1],
    ]);
    expect(b.visibleKeys).toBe(9);
    // No payload length stated: every holder's bytes are unknown.
    expect(b.byBytes.every((h) => h.bytes === 0 && h.unknownSizes === h.keys)).toBe(true);
  });

  it('counts a key no visible keyring links under no keyring, even when an invisible one links it', () => {
    const i = input(list);
    const parents = new Map(i.parents);
    parents.set(8, [999]);
    const b = quotaBreakdown({ keys: i.keys, parents }, 1000);
    expect(b.byCount.find((h) => h.keyring === null)?.keys).toBe(3);
    expect(b.byCount.some((h) => h.keyring === 999)).toBe(false);
  });

  it('ranks by bytes where every key’s size is known, and cuts to the limit', () => {
    const sizes = new Map([
      [3, 10],
      [4, 10],
      [5, 10],
      [6, 500],
      [7, 2000],
      [10, 3000],
    ]);
    const b = quotaBreakdown(input(list), 1000, { limit: 2, bytesOf: (k) => sizes.get(k.id) ?? (k.type === 'keyring' ? 20 : null) });
    expect(b.byBytes).toEqual([
      { keyring: 9, keys: 1, bytes: 3000, unknownSizes: 0 },
      { keyring: 2, keys: 3, bytes: 2510, unknownSizes: 0 },
    ]);
    expect(b.byCount.length).toBe(2);
  });

  it('counts what the kernel charges by default: description + 1 + payload, and says how many sizes are unknown', () => {
    const sized = [
      ring(1, 'cache', 1000, [2, 3, 4]),
      testKey(2, { description: 'abcde', uid: 1000, payloadLength: 9 }), // 5 + 1 + 9
      testKey(3, { type: 'logon', description: 'svc:x', uid: 1000, payloadLength: 4 }), // 5 + 1 + 4
      testKey(4, { type: 'asymmetric', description: 'cert', uid: 1000 }), // no length stated
      ring(5, 'small', 1000, [2]),
    ];
    const b = quotaBreakdown(input(sized), 1000);
    expect(b.byBytes.map((h) => [h.keyring, h.bytes, h.unknownSizes])).toEqual([
      [1, 25, 1],
      [5, 15, 0],
      [null, 0, 2], // the two keyrings, whose member counts this test does not state
    ]);
  });
});

describe('unreadableKeyringsOf', () => {
  it('is the uid’s keyrings whose members no view read: not other uids’, not readable ones, not keys', () => {
    const list = [ring(1, 'locked', 1000, null), ring(2, 'open', 1000, []), ring(3, 'theirs', 1001, null), key(4, 1000), ring(5, 'locked-too', 1000, null)];
    expect(unreadableKeyringsOf(list, 1000).map((k) => k.id)).toEqual([1, 5]);
    expect(unreadableKeyringsOf(list, 7)).toEqual([]);
  });

  it('names no key that is not a keyring, even with links null (a snapshot file may give a user key that)', () => {
    const file = [testKey(6, { description: 'not a keyring', uid: 1000, links: null, possessed: false }), ring(7, 'locked', 1000, null)];
    expect(unreadableKeyringsOf(file, 1000).map((k) => k.id)).toEqual([7]);
  });
});
