// Kerberos for real: a throwaway realm (electron/test/krb5Realm.ts), kinit into a session collection and into
// the persistent keyring, then the app's roles, decoded principals, primary cache and ticket times against
// klist's. (krb5 1.20's klist takes -l and -A separately: `klist -A -l` is a usage error.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWindow } from '../../shared/expiry';
import { ccacheName, keyRole, roleContextOf, type RoleContext } from '../../shared/keyRoles';
import { decodeKeyPayload, decodePrimary, decodePrincipal, decodeTicket, principalText } from '../../shared/krb5Payload';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { PASSWORD, REALM, startRealm, type Krb5Realm } from '../test/krb5Realm';
import { main } from '../cli/main';
import * as keyctl from './keyctl';
import { scanSnapshot } from './scanner';

const uid = process.getuid?.() ?? 0;
const SESSION_COLLECTION = 'KEYRING:session:kbtest';
const SESSION_CACHE = 'KEYRING:session:kbtest:kbtest';
// A cache of our own in the (machine-wide) persistent collection, destroyed afterwards; kinit -c does not
// make it the collection's primary.
const PERSISTENT_COLLECTION = `KEYRING:persistent:${uid}`;
const PERSISTENT_CACHE = `KEYRING:persistent:${uid}:kbtest${process.pid}`;

interface KlistTicket {
  start: number;
  end: number;
  renewTill: number | null;
  service: string;
  flags: string;
}
interface KlistCache {
  name: string;
  principal: string;
  tickets: KlistTicket[];
}

/** `MM/DD/YY HH:MM:SS` (klist under LC_ALL=C, TZ=UTC) as epoch seconds. */
function klistTime(text: string): number {
  const m = /^(\d\d)\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)$/.exec(text);
  if (m === null) throw new Error(`not a klist time: ${text}`);
  const [, mo, d, y, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(2000 + (y as number), (mo as number) - 1, d, h, mi, s) / 1000;
}

/** `klist -A -f`, per cache. */
function parseKlist(text: string): KlistCache[] {
  const caches: KlistCache[] = [];
  let ticket: KlistTicket | null = null;
  for (const line of text.split('\n')) {
    const cache = /^Ticket cache: (.*)$/.exec(line);
    if (cache) caches.push({ name: cache[1] as string, principal: '', tickets: [] });
    const current = caches[caches.length - 1];
    const principal = /^Default principal: (.*)$/.exec(line);
    if (principal && current) current.principal = principal[1] as string;
    const t = /^(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)\s+(\S+)$/.exec(line);
    if (t && current) {
      ticket = { start: klistTime(t[1] as string), end: klistTime(t[2] as string), renewTill: null, service: t[3] as string, flags: '' };
      current.tickets.push(ticket);
    }
    const renew = /^\trenew until (\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d)/.exec(line);
    if (renew && ticket) ticket.renewTill = klistTime(renew[1] as string);
    const flags = /Flags: (\S*)$/.exec(line);
    if (flags && ticket) ticket.flags = flags[1] as string;
  }
  return caches;
}

/** The payload of `id`, decoded by `decode`, the buffer zeroed right after (the rule for payloads). */
function readDecoded<T>(id: number, decode: (bytes: Uint8Array) => T): T {
  const bytes = keyctl.read(id);
  try {
    return decode(bytes);
  } finally {
    bytes.fill(0);
  }
}

let realm: Krb5Realm;
let snapshot: Snapshot;
let ctx: RoleContext;
let klistA: KlistCache[];

const members = (ring: KeyInfo): KeyInfo[] => (ring.links ?? []).map((id) => ctx.keys.get(id)).filter((k): k is KeyInfo => k !== undefined);
const roleId = (k: KeyInfo | undefined): string | undefined => (k === undefined ? undefined : keyRole(k, ctx)?.id);
function cacheKeyring(name: string): KeyInfo {
  const found = snapshot.keys.find((k) => k.type === 'keyring' && ccacheName(k, ctx) === name);
  if (found === undefined) throw new Error(`no cache keyring named ${name} in the snapshot`);
  return found;
}

beforeAll(async () => {
  realm = await startRealm();
  const session = keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);
  realm.run('kinit', ['-c', SESSION_COLLECTION, 'alice'], { input: `${PASSWORD}\n` });
  realm.run('kvno', [`host/localhost@${REALM}`], { ccache: SESSION_COLLECTION });
  // What "Get persistent keyring" does: link it into the session, so this process possesses (and may read) it.
  keyctl.getPersistent(-1, session);
  realm.run('kinit', ['-c', PERSISTENT_CACHE, 'alice'], { input: `${PASSWORD}\n` });
  // The persistent collection is uid 0's for days and outlives this test: a primary pointer left by an
  // earlier run may name a cache that is gone (klist then fails). Make ours the primary, as a user would.
  realm.run('kswitch', ['-c', PERSISTENT_CACHE]);
  realm.run('kvno', [`HTTP/localhost@${REALM}`], { ccache: PERSISTENT_CACHE });
  snapshot = await scanSnapshot();
  ctx = roleContextOf(snapshot.keys);
  klistA = [
    ...parseKlist(realm.run('klist', ['-A', '-f'], { ccache: SESSION_COLLECTION })),
    ...parseKlist(realm.run('klist', ['-f'], { ccache: PERSISTENT_CACHE })),
  ];
}, 60_000);

afterAll(() => {
  try {
    realm?.run('kdestroy', ['-c', PERSISTENT_CACHE]);
  } finally {
    realm?.stop();
  }
  // Stopped by its PID: no KDC of ours is left.
  expect(() => process.kill(realm.kdcPid, 0)).toThrow();
});

describe('Kerberos in the keyrings, against klist', () => {
  it.each([SESSION_CACHE, PERSISTENT_CACHE])('names %s and its keys by their roles, as klist lists it', (name) => {
    const cache = cacheKeyring(name);
    expect(roleId(cache)).toBe('krb5-cache');
    const collection = snapshot.keys.find((k) => k.links?.includes(cache.id));
    expect(roleId(collection)).toBe('krb5-collection');
    expect(roleId(members(collection as KeyInfo).find((k) => k.description === 'krb_ccache:primary'))).toBe('krb5-primary');
    const listed = klistA.find((c) => c.name === name);
    expect(listed, `klist lists ${name}`).toBeDefined();
    const roles = members(cache).map((k) => [k.description, roleId(k)]);
    expect(roles).toContainEqual(['__krb5_princ__', 'krb5-principal']);
    expect(roles).toContainEqual(['__krb5_time_offsets__', 'krb5-time-offsets']);
    expect(roles.filter(([, r]) => r === 'krb5-config').length).toBeGreaterThan(0);
    const tickets = members(cache).filter((k) => roleId(k) === 'krb5-ticket').map((k) => k.description);
    expect(tickets.sort()).toEqual((listed?.tickets ?? []).map((t) => t.service).sort());
  });

  it.each([SESSION_CACHE, PERSISTENT_CACHE])("decodes %s's principal and tickets as klist shows them", (name) => {
    const cache = cacheKeyring(name);
    const listed = klistA.find((c) => c.name === name) as KlistCache;
    const princ = members(cache).find((k) => k.description === '__krb5_princ__') as KeyInfo;
    expect(readDecoded(princ.id, (b) => principalText(decodePrincipal(b)))).toBe(listed.principal);
    for (const key of members(cache).filter((k) => roleId(k) === 'krb5-ticket')) {
      const want = listed.tickets.find((t) => t.service === key.description) as KlistTicket;
      const t = readDecoded(key.id, decodeTicket);
      expect(principalText(t.client)).toBe(listed.principal);
      expect(principalText(t.server)).toBe(key.description);
      expect(t.startTime || t.authTime).toBe(want.start);
      expect(t.endTime).toBe(want.end);
      expect(t.renewTill === 0 ? null : t.renewTill).toBe(want.renewTill);
      expect(t.flagLetters).toBe(want.flags);
      // krb5 sets the key's timeout to (end time − its clock), so the kernel's expiry is the end time, or one
      // second after when krb5's clock and the kernel's straddled a second: the window must hold it.
      const expiry = key.expiry;
      expect(isWindow(expiry)).toBe(true);
      if (isWindow(expiry)) {
        expect(expiry.from).toBeLessThanOrEqual((want.end + 1) * 1000);
        expect(expiry.to).toBeGreaterThanOrEqual(want.end * 1000);
      }
      // What the payload viewer shows: no session key, no ticket bytes.
      const shown = readDecoded(key.id, (b) => JSON.stringify(decodeKeyPayload('krb5-ticket', b)));
      expect(shown).toContain(listed.principal);
      expect(shown).toContain('not shown');
    }
  });

  it.each([
    [SESSION_COLLECTION, SESSION_CACHE],
    [PERSISTENT_COLLECTION, null],
  ])("finds %s's primary cache where klist does", (collectionName, expected) => {
    const primaryName = /^Ticket cache: (.*)$/m.exec(realm.run('klist', [], { ccache: collectionName }))?.[1];
    if (expected !== null) expect(primaryName).toBe(expected);
    const anyCache = expected ?? PERSISTENT_CACHE;
    const collection = snapshot.keys.find((k) => k.links?.includes(cacheKeyring(anyCache).id)) as KeyInfo;
    const pointer = members(collection).find((k) => k.description === 'krb_ccache:primary') as KeyInfo;
    const name = readDecoded(pointer.id, (b) => decodePrimary(b).name);
    expect(`${collectionName}:${name}`).toBe(primaryName);
  });

  it('snapshot --json --redact keeps the role names and hides principals, realms and collection names', async () => {
    let out = '';
    const code = await main(['snapshot', '--json', '--redact'], { stdout: (t) => void (out += t), stderr: () => {} });
    expect(code).toBe(0);
    const names = (JSON.parse(out) as Snapshot).keys.map((k) => k.description);
    expect(names).toEqual(expect.arrayContaining(['_krb', '__krb5_princ__', 'krb_ccache:primary', '__krb5_time_offsets__']));
    expect(names.some((n) => n.startsWith('_krb_collection#'))).toBe(true);
    expect(out).not.toMatch(/EXAMPLE\.TEST|alice|kbtest/);
  });
});
