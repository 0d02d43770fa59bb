// "What is this key": a role and a sentence for the kinds of keys and keyrings whose names mean something
// fixed — Kerberos' credential caches, NFS's id mapper, DNS, the kernel's trusted keyrings and its own
// keyrings, and key types with one job. Table-driven: one entry per kind, tried in order; each entry
// matches on type, description and, where the name alone would be a guess, on the keyring holding it.
//
// Kerberos (MIT krb5's KEYRING ccache, lib/krb5/ccache/cc_keyring.c; names seen with krb5 1.20):
//  - a collection keyring: `_krb` inside the persistent keyring (KEYRING:persistent:UID), or `_krb_<name>`
//    for KEYRING:session:<name> (also process:, thread:, user:);
//  - in a collection: `krb_ccache:primary` (user key: which cache is the default) and one keyring per cache,
//    named `krb_ccache_XXXXXXX` (7 random characters, for caches kinit -c KEYRING:...:new makes unique) or by
//    the name given (`0` for the persistent one, `work` for KEYRING:session:work);
//  - in a cache: `__krb5_princ__` (the default principal), `__krb5_time_offsets__` (KDC clock offset),
//    `krb5_ccache_conf_data/<name>/…@X-CACHECONF:` (cache configuration), and one key per ticket named by its
//    server principal (`user`, or `big_key` where krb5 and the kernel have it).
// Pure: nothing here reads a payload; decoding is asked for separately (krb5Payload.ts).
import type { KeyInfo } from './snapshot';

export type RoleFamily = 'kerberos' | 'nfs' | 'dns' | 'trust' | 'kernel' | 'type';

export interface KeyRole {
  /** Stable identifier, e.g. 'krb5-ticket'. */
  id: string;
  family: RoleFamily;
  /** A few words: "Kerberos ticket". */
  label: string;
  /** The role icon's text: a short tag the tree and graph show ("KRB", "NFS"). */
  tag: string;
  /** One sentence for the details panel: what this key is, named by what it holds. */
  sentence: string;
  /** Words search finds it by (lower case), besides the label. */
  terms: readonly string[];
}

/** What an entry may look at beyond the key itself: the keyrings that link it. */
export interface RoleContext {
  keys: ReadonlyMap<number, KeyInfo>;
  /** member id → ids of the keyrings that link it */
  parents: ReadonlyMap<number, readonly number[]>;
}

/** A context built from a list of keys (the renderer's tree model has one already). */
export function roleContextOf(keys: Iterable<KeyInfo>): RoleContext {
  const byId = new Map<number, KeyInfo>();
  const parents = new Map<number, number[]>();
  for (const k of keys) {
    byId.set(k.id, k);
    for (const m of k.links ?? []) {
      const list = parents.get(m);
      if (list) list.push(k.id);
      else parents.set(m, [k.id]);
    }
  }
  return { keys: byId, parents };
}

interface RoleEntry {
  id: string;
  /** The key types it can apply to: keyRole asks only these entries (its describe says null for any other type). */
  types: readonly string[];
  family: RoleFamily;
  label: string;
  tag: string;
  terms: readonly string[];
  /** The sentence when the entry applies to `key`, null when it does not. */
  describe(key: KeyInfo, ctx: RoleContext): string | null;
}

const KRB_TAG = 'KRB';
const PRINCIPAL = /^[^@\s]+@[^@\s]+$/;
const PERSISTENT = /^_persistent\.(\d+)$/;

function parentsOf(key: KeyInfo, ctx: RoleContext): KeyInfo[] {
  const out: KeyInfo[] = [];
  for (const id of ctx.parents.get(key.id) ?? []) {
    const p = ctx.keys.get(id);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** The first keyring linking `key` that `test` accepts, without listing them all (roles are worked out for every key a search indexes). */
function findParent(key: KeyInfo, ctx: RoleContext, test: (p: KeyInfo) => boolean): KeyInfo | undefined {
  const ids = ctx.parents.get(key.id);
  if (ids === undefined) return undefined;
  for (const id of ids) {
    const p = ctx.keys.get(id);
    if (p !== undefined && test(p)) return p;
  }
  return undefined;
}

const isKeyring = (k: KeyInfo): boolean => k.type === 'keyring';

/** A table's own entry: a name such as `constructor` or `toString` (a key's description is anyone's) is no entry. */
function ownEntry(table: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
/** A krb5 collection keyring: `_krb` (persistent) or `_krb_<name>`. */
export const isCollection = (k: KeyInfo): boolean => isKeyring(k) && (k.description === '_krb' || k.description.startsWith('_krb_'));
/** The name krb5 gives a cache it makes unique in a collection (7 random characters). */
export const UNIQUE_CACHE = /^krb_ccache_[A-Za-z0-9]{7}$/;

/** The collection keyring holding this cache keyring, if one links it. */
function collectionOf(cache: KeyInfo, ctx: RoleContext): KeyInfo | undefined {
  return findParent(cache, ctx, isCollection);
}

/** A cache keyring: a keyring a krb5 collection links (krb_ccache:primary is a user key, not a keyring). */
function isCache(k: KeyInfo, ctx: RoleContext): boolean {
  return isKeyring(k) && !isCollection(k) && collectionOf(k, ctx) !== undefined;
}

/** The cache keyring holding this key, if one links it. */
function cacheOf(key: KeyInfo, ctx: RoleContext): KeyInfo | undefined {
  return findParent(key, ctx, (p) => isCache(p, ctx));
}

/** Where krb5's anchor for a collection is, from the keyring that links it. */
function anchorWords(collection: KeyInfo, ctx: RoleContext): string {
  for (const p of parentsOf(collection, ctx)) {
    const persistent = PERSISTENT.exec(p.description);
    if (persistent) return `KEYRING:persistent:${persistent[1]}`;
    if (p.description === '_ses') return 'the session keyring (KEYRING:session:…)';
    if (/^_uid\.\d+$/.test(p.description)) return 'the user keyring (KEYRING:user:…)';
    if (p.description === '_pid') return 'the process keyring (KEYRING:process:…)';
    if (p.description === '_tid') return 'the thread keyring (KEYRING:thread:…)';
  }
  return '';
}

/** The ccache name krb5 prints (klist's "Ticket cache:") for a cache keyring in a collection. */
export function ccacheName(cache: KeyInfo, ctx: RoleContext): string | null {
  const collection = collectionOf(cache, ctx);
  if (collection === undefined) return null;
  if (collection.description === '_krb') {
    const persistent = parentsOf(collection, ctx).map((p) => PERSISTENT.exec(p.description)).find((m) => m !== null);
    return persistent ? `KEYRING:persistent:${persistent[1]}:${cache.description}` : null;
  }
  const name = collection.description.slice('_krb_'.length);
  const anchor = parentsOf(collection, ctx).some((p) => p.description === '_ses') ? 'session' : null;
  return anchor === null ? null : `KEYRING:${anchor}:${name}:${cache.description}`;
}

function inCache(key: KeyInfo, ctx: RoleContext): string {
  const cache = cacheOf(key, ctx);
  return cache === undefined ? '' : `, in credential cache ${cache.description}`;
}

/** What a service principal's first component says about the service (`host/…` → ssh and friends). */
const SERVICES: Readonly<Record<string, string>> = {
  host: 'the host itself (ssh, rsh, and services without their own principal)',
  HTTP: 'a web server (SPNEGO/Negotiate)',
  nfs: 'an NFS server (sec=krb5)',
  cifs: 'an SMB/CIFS server',
  ldap: 'an LDAP server',
  imap: 'an IMAP server',
  smtp: 'an SMTP server',
  pop: 'a POP server',
  postgres: 'a PostgreSQL server',
  afs: 'AFS',
  kadmin: 'the Kerberos admin server',
  ftp: 'an FTP server',
  xmpp: 'an XMPP server',
  DNS: 'a DNS server (GSS-TSIG)',
};

/** The first '/'-separated component and the rest of a principal, honouring krb5's '\' escapes. */
function splitPrincipal(principal: string): { components: string[]; realm: string } {
  const components: string[] = [''];
  let realm = '';
  let inRealm = false;
  for (let i = 0; i < principal.length; i++) {
    const c = principal.charAt(i);
    if (c === '\\' && i + 1 < principal.length) {
      const next = principal.charAt(++i);
      if (inRealm) realm += next;
      else components[components.length - 1] += next;
    } else if (!inRealm && c === '@') inRealm = true;
    else if (inRealm) realm += c;
    else if (c === '/') components.push('');
    else components[components.length - 1] += c;
  }
  return { components, realm };
}

/** "the ticket-granting ticket of EXAMPLE.TEST", "host/localhost@EXAMPLE.TEST: the host itself (…)". */
export function serviceWords(principal: string): string {
  const { components, realm } = splitPrincipal(principal);
  const [service, instance] = components;
  if (service === 'krbtgt' && instance !== undefined) {
    return instance === realm ? `the ticket-granting ticket (TGT) of ${realm}` : `a cross-realm ticket-granting ticket from ${realm} to ${instance}`;
  }
  const what = service === undefined ? undefined : ownEntry(SERVICES, service);
  return what === undefined ? principal : `${principal}: ${what}${instance !== undefined && components.length === 2 ? ` on ${instance}` : ''}`;
}

/** Known krb5 cache configuration entries (krb5_cc_set_config names). */
const CONF_WORDS: Readonly<Record<string, string>> = {
  fast_avail: 'the KDC offers FAST armoring',
  pa_type: 'the pre-authentication type used',
  pa_config_data: 'pre-authentication state',
  refresh_time: 'when to refresh the tickets (from a keytab)',
  proxy_impersonator: 'the service these delegated credentials were obtained by',
  start_realm: 'the realm the TGT came from',
  refresh_client_keytab: 'refresh the tickets from the client keytab',
};

// `krb5_ccache_conf_data/<name>[/<principal, escaped>]@X-CACHECONF:`
const CONF_DATA = /^krb5_ccache_conf_data\/([^/@]+)(?:\/(.*))?@X-CACHECONF:$/;

const KERBEROS: RoleEntry[] = [
  {
    id: 'krb5-collection',
    types: ['keyring'],
    family: 'kerberos',
    label: 'Kerberos cache collection',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'collection', 'credential cache', 'ccache'],
    describe(key, ctx) {
      if (!isCollection(key)) return null;
      const where = anchorWords(key, ctx);
      const name = key.description === '_krb' ? 'the persistent one' : `"${key.description.slice(5)}"`;
      return (
        `Kerberos credential-cache collection (${name})${where ? ` of ${where}` : ''}: one keyring per cache, ` +
        `and krb_ccache:primary naming the default cache. klist -l lists them.`
      );
    },
  },
  {
    id: 'krb5-primary',
    types: ['user'],
    family: 'kerberos',
    label: 'Kerberos primary-cache pointer',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'primary', 'default cache', 'credential cache'],
    describe(key, ctx) {
      if (key.type !== 'user' || key.description !== 'krb_ccache:primary') return null;
      const collection = findParent(key, ctx, isCollection);
      return `Names the primary (default) credential cache${collection ? ` of collection ${collection.description}` : ''}: the one kinit and klist use unless told otherwise. Read payload shows which.`;
    },
  },
  {
    id: 'krb5-cache',
    types: ['keyring'],
    family: 'kerberos',
    label: 'Kerberos credential cache',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'credential cache', 'ccache', 'cache'],
    describe(key, ctx) {
      if (!isKeyring(key)) return null;
      const collection = collectionOf(key, ctx);
      if (collection === undefined && !UNIQUE_CACHE.test(key.description)) return null;
      const name = collection === undefined ? null : ccacheName(key, ctx);
      const where = collection === undefined ? ' (named as krb5 names its caches; no collection of it is visible)' : ` in collection ${collection.description}`;
      return `Kerberos credential cache ${key.description}${where}${name ? ` (${name})` : ''}: one key per ticket, and its principal in __krb5_princ__.`;
    },
  },
  {
    id: 'krb5-principal',
    types: ['user'],
    family: 'kerberos',
    label: 'Kerberos cache principal',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'principal', 'client'],
    describe(key, ctx) {
      if (key.type !== 'user' || key.description !== '__krb5_princ__') return null;
      const cache = cacheOf(key, ctx);
      return `The default principal of credential cache ${cache?.description ?? '(not visible)'}: whom its tickets were issued to. Read payload decodes it.`;
    },
  },
  {
    id: 'krb5-time-offsets',
    types: ['user'],
    family: 'kerberos',
    label: 'Kerberos KDC time offset',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'time offset', 'clock skew'],
    describe(key, ctx) {
      if (key.type !== 'user' || key.description !== '__krb5_time_offsets__') return null;
      return `The difference between this host's clock and the KDC's${inCache(key, ctx)}, which krb5 adds to its clock for this cache (seconds and microseconds).`;
    },
  },
  {
    id: 'krb5-config',
    types: ['user', 'big_key'],
    family: 'kerberos',
    label: 'Kerberos cache configuration',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'config', 'configuration'],
    describe(key, ctx) {
      if ((key.type !== 'user' && key.type !== 'big_key') || !key.description.startsWith('krb5_ccache_conf_data/')) return null;
      const m = CONF_DATA.exec(key.description);
      if (m === null) return null;
      const [, name = '', principal] = m;
      const meaning = ownEntry(CONF_WORDS, name);
      const about = principal === undefined ? '' : ` for ${splitPrincipalText(principal)}`;
      return `Kerberos cache configuration "${name}"${meaning ? ` (${meaning})` : ''}${about}${inCache(key, ctx)}; klist -C shows it.`;
    },
  },
  {
    id: 'krb5-ticket',
    types: ['user', 'big_key'],
    family: 'kerberos',
    label: 'Kerberos ticket',
    tag: KRB_TAG,
    terms: ['kerberos', 'krb5', 'ticket', 'service ticket', 'tgt', 'credential'],
    describe(key, ctx) {
      if (key.type !== 'user' && key.type !== 'big_key') return null;
      // Without the cache around it, a name like a principal is a hint, not a fact. (The cache is looked up
      // first: it is cheaper than the pattern, and most user keys are in no cache.)
      const cache = cacheOf(key, ctx);
      if (cache === undefined || !PRINCIPAL.test(key.description.replace(/\\./g, '_'))) return null;
      return `Kerberos ticket for ${serviceWords(key.description)}, in credential cache ${cache.description}. Read payload decodes its principals, times and flags (never its session key).`;
    },
  },
];

/** The principal inside a conf-data name, with krb5's escapes of '/' and '@' undone. */
function splitPrincipalText(escaped: string): string {
  return escaped.replace(/\\(.)/g, '$1');
}

const NFS_DNS: RoleEntry[] = [
  {
    id: 'nfs-idmap-keyring',
    types: ['keyring'],
    family: 'nfs',
    label: 'NFSv4 id-mapping cache',
    tag: 'NFS',
    terms: ['nfs', 'idmap', 'id mapping', 'nfsidmap'],
    describe: (key) =>
      isKeyring(key) && key.description === '.id_resolver'
        ? 'The NFSv4 client\'s id-mapping cache: each key maps a user@domain or group@domain name to a uid or gid (or back), filled by the nfsidmap upcall; nfsidmap -c clears it.'
        : null,
  },
  {
    id: 'nfs-idmap',
    types: ['id_resolver', 'id_legacy'],
    family: 'nfs',
    label: 'NFSv4 id mapping',
    tag: 'NFS',
    terms: ['nfs', 'idmap', 'id mapping', 'uid', 'gid'],
    describe(key) {
      if (key.type !== 'id_resolver' && key.type !== 'id_legacy') return null;
      const m = /^(uid|gid|user|group):(.*)$/s.exec(key.description);
      if (m === null) return 'An NFSv4 id mapping (nfsidmap upcall).';
      const [, kind, value] = m;
      if (kind === 'uid' || kind === 'gid') return `NFSv4 id mapping: the name ${value} as a ${kind} (Read payload shows the number).`;
      return `NFSv4 id mapping: ${kind} ${value} as a name@domain (Read payload shows the name).`;
    },
  },
  {
    id: 'dns-keyring',
    types: ['keyring'],
    family: 'dns',
    label: 'DNS resolver cache',
    tag: 'DNS',
    terms: ['dns', 'resolver'],
    describe: (key) =>
      isKeyring(key) && key.description === '.dns_resolver'
        ? "The kernel's DNS cache for CIFS, NFS and AFS (dns_resolver keys, filled by the key.dns_resolver upcall)."
        : null,
  },
  {
    id: 'dns',
    types: ['dns_resolver'],
    family: 'dns',
    label: 'DNS lookup',
    tag: 'DNS',
    terms: ['dns', 'resolver', 'lookup'],
    describe(key) {
      if (key.type !== 'dns_resolver') return null;
      const m = /^([a-z0-9]+):(.*)$/.exec(key.description);
      return m ? `A cached DNS ${m[1]} lookup of ${m[2]} (for CIFS, NFS or AFS).` : `A cached DNS address lookup of ${key.description} (for CIFS, NFS or AFS).`;
    },
  },
];

const TRUSTED_KEYRINGS: Readonly<Record<string, string>> = {
  '.builtin_trusted_keys': "Keys built into the kernel image: they verify signed modules, kexec images and the keys added to .secondary_trusted_keys.",
  '.secondary_trusted_keys': 'Keys added at run time, each signed by a key the kernel already trusts (builtin or secondary).',
  '.platform': 'Keys from the firmware (UEFI db, MOK list): trusted for kexec images and IMA, not for modules.',
  '.machine': 'Machine Owner Keys (MOK) from shim, trusted like the builtin keys where the kernel allows.',
  '.blacklist': 'Hashes and certificates the kernel refuses (UEFI dbx and its built-in list).',
  '.ima': 'Keys IMA uses to appraise file signatures.',
  '.evm': 'Keys EVM uses to verify file metadata signatures.',
};

/** x509: `<subject's CN (or O)>: <subject key id in hex>`, as x509_key_preparse names a certificate's key. */
const X509_DESCRIPTION = /^(.*): ([0-9a-f]{8,})$/s;

const TRUST: RoleEntry[] = [
  {
    id: 'trusted-keyring',
    types: ['keyring'],
    family: 'trust',
    label: 'Kernel trusted keyring',
    tag: 'TRUST',
    terms: ['trusted', 'secure boot', 'certificate', 'signature'],
    describe: (key) => (isKeyring(key) ? (ownEntry(TRUSTED_KEYRINGS, key.description) ?? null) : null),
  },
  {
    id: 'x509-key',
    types: ['asymmetric'],
    family: 'trust',
    label: 'Certificate key',
    tag: 'X509',
    terms: ['x509', 'certificate', 'asymmetric', 'public key'],
    describe(key, ctx) {
      if (key.type !== 'asymmetric') return null;
      const m = X509_DESCRIPTION.exec(key.description);
      const ring = findParent(key, ctx, (p) => ownEntry(TRUSTED_KEYRINGS, p.description) !== undefined);
      const where = ring === undefined ? '' : `, trusted through ${ring.description}`;
      return m ? `Public key of the X.509 certificate "${m[1]}", key id ${m[2]}${where}.` : `An asymmetric (public) key${where}.`;
    },
  },
  {
    id: 'blacklisted',
    types: ['blacklist'],
    family: 'trust',
    label: 'Blacklisted hash',
    tag: 'TRUST',
    terms: ['blacklist', 'revoked', 'dbx'],
    describe(key) {
      if (key.type !== 'blacklist') return null;
      const m = /^(bin|tbs|asymmetric):(.*)$/.exec(key.description);
      const what = m?.[1] === 'bin' ? 'the binary with hash' : m?.[1] === 'tbs' ? 'the certificate with TBS hash' : 'the key';
      return `The kernel refuses ${what} ${m?.[2] ?? key.description}.`;
    },
  },
];

const TYPE_SENTENCES: Readonly<Record<string, [label: string, sentence: string, terms: string[]]>> = {
  logon: ['Logon secret', 'A secret for kernel services (CIFS, eCryptfs, dm-crypt…): they read it, userspace may not read it back.', ['secret', 'password', 'logon']],
  big_key: ['Large key', 'A large payload the kernel keeps encrypted, out of its own memory when big (Kerberos tickets where available).', ['big', 'large']],
  encrypted: ['Encrypted key', 'A key encrypted by a master key (trusted or user): only its encrypted blob ever leaves the kernel.', ['encrypted', 'evm', 'ecryptfs']],
  trusted: ['TPM-sealed key', 'A key sealed by the TPM (or another trust source): only the sealed blob leaves the kernel.', ['tpm', 'sealed', 'trusted']],
  'fscrypt-provisioning': ['fscrypt key', 'Raw key material to unlock fscrypt-encrypted directories (FS_IOC_ADD_ENCRYPTION_KEY by key id).', ['fscrypt', 'encryption', 'filesystem']],
  'cifs.spnego': ['SMB Kerberos blob', 'A Kerberos (SPNEGO) blob cifs.upcall obtained for an SMB mount.', ['cifs', 'smb', 'spnego', 'kerberos']],
  'cifs.idmap': ['SMB id mapping', 'A Windows SID ↔ uid/gid mapping for an SMB mount (cifs.idmap upcall).', ['cifs', 'smb', 'idmap', 'sid']],
  ceph: ['Ceph secret', 'A Ceph client secret (CephFS, RBD) for talking to a cluster.', ['ceph', 'cephfs', 'rbd']],
  rxrpc: ['AFS token', 'An RxRPC security token for AFS (kafs), e.g. from aklog after kinit.', ['afs', 'rxrpc', 'token']],
  rxrpc_s: ['AFS server key', 'An RxRPC server key for an AFS service.', ['afs', 'rxrpc']],
  '.request_key_auth': ['request_key authorisation', 'Lets a request_key upcall instantiate the key it was started for; gone when the upcall ends.', ['request_key', 'upcall']],
};

const TYPES: RoleEntry[] = Object.entries(TYPE_SENTENCES).map(([type, [label, sentence, terms]]) => ({
  id: `type-${type}`,
  types: [type],
  family: 'type' as const,
  label,
  tag: type === 'logon' ? 'LOGON' : type.toUpperCase().slice(0, 5),
  terms,
  describe: (key: KeyInfo) => (key.type === type ? sentence : null),
}));

const KERNEL: RoleEntry[] = [
  kernelKeyring('session-keyring', 'Session keyring', /^_ses$/, () => 'A session keyring (@s): what a login (pam_keyinit) or keyctl session gives its processes; possessed by them.', ['session']),
  kernelKeyring('user-keyring', 'User keyring', /^_uid\.(\d+)$/, (m) => `uid ${m[1]}'s user keyring (@u): shared by every process of that user.`, ['user keyring']),
  kernelKeyring('user-session-keyring', 'User session keyring', /^_uid_ses\.(\d+)$/, (m) => `uid ${m[1]}'s default session keyring (@us): the session of processes that have none of their own.`, ['user session']),
  kernelKeyring(
    'persistent-keyring',
    'Persistent keyring',
    /^_persistent\.(\d+)$/,
    (m) => `uid ${m[1]}'s persistent keyring: outlives logins, and expires 3 days (persistent_keyring_expiry) after its last use through KEYCTL_GET_PERSISTENT. Kerberos keeps its _krb collection here.`,
    ['persistent'],
  ),
  kernelKeyring('user-registry', 'User keyring registry', /^\.user_reg$/, () => "The kernel's registry of user keyrings (_uid.N, _uid_ses.N), which keeps them past a user's last process (Linux 5.3+).", ['registry']),
  kernelKeyring('persistent-register', 'Persistent keyring register', /^\.persistent_register$/, () => "The kernel's register of persistent keyrings (_persistent.N) in a user namespace.", ['registry', 'persistent']),
  kernelKeyring('thread-keyring', 'Thread keyring', /^_tid$/, () => 'A thread keyring (@t): private to one thread.', ['thread']),
  kernelKeyring('process-keyring', 'Process keyring', /^_pid$/, () => "A process keyring (@p): shared by one process's threads.", ['process']),
];

function kernelKeyring(id: string, label: string, name: RegExp, sentence: (m: RegExpExecArray) => string, terms: string[]): RoleEntry {
  return {
    id,
    types: ['keyring'],
    family: 'kernel',
    label,
    tag: 'KERN',
    terms: ['kernel', 'keyring', ...terms],
    describe(key) {
      if (!isKeyring(key)) return null;
      const m = name.exec(key.description);
      return m === null ? null : sentence(m);
    },
  };
}

/** Every entry, in the order they are tried (more specific first). */
export const ROLE_TABLE: readonly RoleEntry[] = [...KERBEROS, ...NFS_DNS, ...TRUST, ...KERNEL, ...TYPES];

/** The entries that can apply to each key type, in the table's order. */
const ENTRIES_BY_TYPE = new Map<string, RoleEntry[]>();
for (const entry of ROLE_TABLE) {
  for (const type of entry.types) {
    const list = ENTRIES_BY_TYPE.get(type);
    if (list) list.push(entry);
    else ENTRIES_BY_TYPE.set(type, [entry]);
  }
}
const NO_ENTRIES: readonly RoleEntry[] = [];

/**
 * The role of `key`, or null when nothing fixed is known about it. Only the entries for its type are asked: a
 * search indexes every key's role, and at 40k keys asking all ~30 entries of each was most of that time.
 */
export function keyRole(key: KeyInfo, ctx: RoleContext): KeyRole | null {
  for (const entry of ENTRIES_BY_TYPE.get(key.type) ?? NO_ENTRIES) {
    const sentence = entry.describe(key, ctx);
    if (sentence !== null) return { id: entry.id, family: entry.family, label: entry.label, tag: entry.tag, sentence, terms: entry.terms };
  }
  return null;
}

/** Lower-case words search matches a key's role by: its label and terms. */
export function roleSearchText(role: KeyRole): string {
  return `${role.label}\n${role.terms.join('\n')}`.toLowerCase();
}
