// One test per entry of the role table, on the names real software makes (krb5 1.20's, seen with kinit into
// KEYRING:persistent:0 and KEYRING:session:work; the kernel's own). The real Kerberos run is in
// electron/keyring/kerberos.test.ts.
import { describe, expect, it } from 'vitest';
import { ROLE_TABLE, keyRole, roleContextOf, serviceWords, type RoleContext } from './keyRoles';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';

const ring = (id: number, description: string, links: number[] = []): KeyInfo => testKey(id, { type: 'keyring', description, links });
const user = (id: number, description: string, type = 'user'): KeyInfo => testKey(id, { type, description });

// The tree `keyctl show` printed after kinit into both collections.
const KEYS: KeyInfo[] = [
  ring(1, '_ses', [2, 10]),
  ring(2, '_krb_work', [3, 4]),
  user(3, 'krb_ccache:primary'),
  ring(4, 'work', [5, 6, 7, 8]),
  user(5, '__krb5_princ__'),
  user(6, 'krbtgt/EXAMPLE.TEST@EXAMPLE.TEST'),
  user(7, 'krb5_ccache_conf_data/fast_avail/krbtgt\\/EXAMPLE.TEST\\@EXAMPLE.TEST@X-CACHECONF:'),
  user(8, '__krb5_time_offsets__'),
  ring(10, '_persistent.0', [11]),
  ring(11, '_krb', [12, 13, 20]),
  user(12, 'krb_ccache:primary'),
  ring(13, '0', [14, 15, 16]),
  user(14, '__krb5_princ__'),
  user(15, 'host/localhost@EXAMPLE.TEST'),
  user(16, 'krbtgt/EXAMPLE.TEST@EXAMPLE.TEST', 'big_key'),
  ring(20, 'krb_ccache_6C9qzTw', [21]),
  user(21, 'HTTP/www.example.test@EXAMPLE.TEST'),
  ring(30, '.id_resolver', [31, 32]),
  user(31, 'uid:alice@example.test', 'id_resolver'),
  user(32, 'user:1000', 'id_resolver'),
  ring(40, '.dns_resolver', [41]),
  user(41, 'fileserver.example.test', 'dns_resolver'),
  ring(50, '.builtin_trusted_keys', [51]),
  user(51, 'Debian Secure Boot CA: 6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1', 'asymmetric'),
  ring(52, '.secondary_trusted_keys'),
  ring(53, '.platform'),
  ring(54, '.machine'),
  ring(55, '.blacklist', [56]),
  user(56, 'bin:0123456789abcdef', 'blacklist'),
  ring(60, '_uid.1000'),
  ring(61, '_uid_ses.1000'),
  ring(62, '.user_reg'),
  ring(63, '.persistent_register'),
  ring(64, '_tid'),
  ring(65, '_pid'),
  user(70, 'krbtgt/LOOKS.LIKE@LOOKS.LIKE'),
  ring(71, 'krb_ccache_AAAAAAA'),
];

const ctx: RoleContext = roleContextOf(KEYS);
const role = (id: number) => keyRole(ctx.keys.get(id) as KeyInfo, ctx);

describe('Kerberos', () => {
  it('names the collections, saying where they are anchored', () => {
    expect(role(11)).toMatchObject({ id: 'krb5-collection', tag: 'KRB' });
    expect(role(11)?.sentence).toContain('KEYRING:persistent:0');
    expect(role(2)?.id).toBe('krb5-collection');
    expect(role(2)?.sentence).toContain('"work"');
    expect(role(2)?.sentence).toContain('session keyring');
  });

  it('names caches by their collection, with the ccache name klist prints', () => {
    expect(role(13)?.id).toBe('krb5-cache');
    expect(role(13)?.sentence).toContain('KEYRING:persistent:0:0');
    expect(role(4)?.sentence).toContain('KEYRING:session:work:work');
    expect(role(20)?.sentence).toMatch(/^Kerberos credential cache krb_ccache_6C9qzTw in collection _krb/);
    // krb5's unique-name pattern without a visible collection: said as what it is, not more.
    expect(role(71)?.sentence).toContain('no collection of it is visible');
  });

  it('names the primary pointer, the principal, the time offsets and the config entries', () => {
    expect(role(3)).toMatchObject({ id: 'krb5-primary' });
    expect(role(3)?.sentence).toContain('collection _krb_work');
    expect(role(14)?.sentence).toContain('credential cache 0');
    expect(role(14)?.id).toBe('krb5-principal');
    expect(role(8)?.id).toBe('krb5-time-offsets');
    expect(role(7)?.id).toBe('krb5-config');
    expect(role(7)?.sentence).toBe(
      'Kerberos cache configuration "fast_avail" (the KDC offers FAST armoring) for krbtgt/EXAMPLE.TEST@EXAMPLE.TEST, in credential cache work; klist -C shows it.',
    );
  });

  it('names tickets by their service, user or big_key, only inside a cache', () => {
    expect(role(15)?.sentence).toBe(
      'Kerberos ticket for host/localhost@EXAMPLE.TEST: the host itself (ssh, rsh, and services without their own principal) on localhost, in credential cache 0. Read payload decodes its principals, times and flags (never its session key).',
    );
    expect(role(16)?.sentence).toMatch(/^Kerberos ticket for the ticket-granting ticket \(TGT\) of EXAMPLE\.TEST, in credential cache 0/);
    expect(role(21)?.sentence).toContain('a web server (SPNEGO/Negotiate) on www.example.test');
    expect(role(70)).toBeNull();
  });

  it('reads service principals', () => {
    expect(serviceWords('krbtgt/A.TEST@B.TEST')).toBe('a cross-realm ticket-granting ticket from B.TEST to A.TEST');
    expect(serviceWords('nfs/server.example.test@EXAMPLE.TEST')).toBe('nfs/server.example.test@EXAMPLE.TEST: an NFS server (sec=krb5) on server.example.test');
    expect(serviceWords('custom/x@R')).toBe('custom/x@R');
  });
});

describe('NFS and DNS', () => {
  it('names the id mapper keyring and its mappings', () => {
    expect(role(30)?.id).toBe('nfs-idmap-keyring');
    expect(role(31)?.sentence).toBe('NFSv4 id mapping: the name alice@example.test as a uid (Read payload shows the number).');
    expect(role(32)?.sentence).toBe('NFSv4 id mapping: user 1000 as a name@domain (Read payload shows the name).');
  });
  it('names the DNS cache and its lookups', () => {
    expect(role(40)?.id).toBe('dns-keyring');
    expect(role(41)?.sentence).toBe('A cached DNS address lookup of fileserver.example.test (for CIFS, NFS or AFS).');
    expect(keyRole(user(1, 'afsdb:example.test', 'dns_resolver'), ctx)?.sentence).toBe('A cached DNS afsdb lookup of example.test (for CIFS, NFS or AFS).');
  });
});

describe('trusted keyrings', () => {
  it.each([50, 52, 53, 54, 55])('names keyring %i', (id) => {
    expect(role(id)).toMatchObject({ id: 'trusted-keyring', family: 'trust' });
  });
  it("reads an X.509 key's subject and key id from its description", () => {
    expect(role(51)?.sentence).toBe(
      'Public key of the X.509 certificate "Debian Secure Boot CA", key id 6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1, trusted through .builtin_trusted_keys.',
    );
  });
  it('names blacklist entries', () => {
    expect(role(56)?.sentence).toBe('The kernel refuses the binary with hash 0123456789abcdef.');
  });
});

describe("the kernel's own keyrings", () => {
  it.each([
    [1, 'session-keyring'],
    [60, 'user-keyring'],
    [61, 'user-session-keyring'],
    [10, 'persistent-keyring'],
    [62, 'user-registry'],
    [63, 'persistent-register'],
    [64, 'thread-keyring'],
    [65, 'process-keyring'],
  ])('names keyring %i as %s', (id, want) => {
    expect(role(id)?.id).toBe(want);
  });
  it('says the persistent keyring expires 3 days after its last use', () => {
    expect(role(10)?.sentence).toContain('expires 3 days');
  });
  it('needs a keyring: a user key named _ses is nothing special', () => {
    expect(keyRole(user(1, '_ses'), ctx)).toBeNull();
  });
});

describe('key types', () => {
  it.each(['logon', 'big_key', 'encrypted', 'trusted', 'fscrypt-provisioning', 'cifs.spnego', 'cifs.idmap', 'ceph', 'rxrpc'])('names %s keys', (type) => {
    const r = keyRole(user(1, 'something', type), ctx);
    expect(r?.family).toBe('type');
    expect(r?.sentence.length).toBeGreaterThan(20);
  });
  it('says nothing about a plain user key', () => {
    expect(keyRole(user(1, 'my-token'), ctx)).toBeNull();
  });
});

describe('the table', () => {
  it('has unique ids, and every entry is reached by some key above or a type', () => {
    const ids = ROLE_TABLE.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(KEYS.map((k) => keyRole(k, ctx)?.id).filter(Boolean));
    const untested = ids.filter((id) => !seen.has(id) && !id.startsWith('type-') && id !== 'dns');
    expect(untested).toEqual([]);
  });
});

describe('the entries asked for a key', () => {
  // keyRole asks only the entries listing a key's type: none may apply to a type it does not list, or keyRole
  // would miss it.
  const TYPES = [...new Set([...ROLE_TABLE.flatMap((e) => e.types), 'user', 'keyring', 'logon', 'big_key', 'asymmetric', 'ceph', 'other'])];
  it('an entry applies to no type it does not list, so asking only the listed ones gives the whole table\'s answer', () => {
    for (const base of KEYS) {
      for (const type of TYPES) {
        const k: KeyInfo = { ...base, type };
        const c = roleContextOf(KEYS.map((x) => (x.id === k.id ? k : x)));
        for (const entry of ROLE_TABLE) if (!entry.types.includes(type)) expect(entry.describe(k, c), `${entry.id} on a ${type} ${k.description}`).toBeNull();
        const first = ROLE_TABLE.find((e) => e.describe(k, c) !== null);
        expect(keyRole(k, c)?.id ?? null, `${type} ${k.description}`).toBe(first?.id ?? null);
      }
    }
  });
});

describe('names that are also JavaScript object members', () => {
  it('are no entry of a table: a keyring named toString is not trusted, a constructor/ ticket names no service', () => {
    const keys = [
      testKey(900, { type: 'keyring', description: 'toString', links: [901] }),
      testKey(901, { type: 'asymmetric', description: 'x' }),
      testKey(902, { type: 'keyring', description: 'constructor' }),
    ];
    const c = roleContextOf(keys);
    expect(keyRole(keys[0]!, c)).toBeNull();
    expect(keyRole(keys[2]!, c)).toBeNull();
    expect(keyRole(keys[1]!, c)?.sentence).toBe('An asymmetric (public) key.');
    expect(serviceWords('constructor/x@EXAMPLE.TEST')).toBe('constructor/x@EXAMPLE.TEST');
  });
});
