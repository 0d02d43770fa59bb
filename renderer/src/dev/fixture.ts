// A realistic snapshot for development and screenshots: what an administrator on a desktop with
// pam_keyinit, a Kerberos persistent cache, an NFS/CIFS mount and a CI tool would see.
import { expiryFromColumn, isWindow } from '../../../shared/expiry';
import type { Doom, KeyInfo, Pin, Snapshot } from '../../../shared/snapshot';
import { seededRandom } from '../../../shared/seededRandom';

const UID = 1000;
const GID = 1000;

type Spec = Partial<KeyInfo> & Pick<KeyInfo, 'id' | 'type' | 'description'>;

function key(spec: Spec, takenAt: number): KeyInfo {
  const k: KeyInfo = {
    uid: UID,
    gid: GID,
    perm: spec.type === 'keyring' ? 0x3f130000 : 0x3f010000,
    flags: 'I--Q---',
    usage: 1,
    timeout: 'perm',
    expiry: null,
    possessed: true,
    orphan: false,
    ...spec,
  };
  if (k.type === 'keyring' && k.links === undefined) k.links = [];
  if (k.type !== 'keyring') delete k.links;
  // What the engine makes of the column read at takenAt (a window one unit wide), unless the spec says.
  if (spec.expiry === undefined) k.expiry = expiryFromColumn(k.timeout, takenAt, takenAt);
  return k;
}

export const FIXTURE_IDS = {
  process: 0x0f3a2c11,
  session: 0x1ca19b07,
  userSession: 0x2b8d40e2,
  user: 0x3a4c5d01,
  persistent: 0x11e0f7a3,
  userReg: 0x0000000c,
  persistentRegister: 0x0000000b,
  dnsResolver: 0x0000001d,
  idResolver: 0x00000021,
  projectX: 0x21f0a611,
  ciSecrets: 0x21f0a612,
  sharedCert: 0x33c07e10,
  sudoTicket: 0x2d44aa01,
  revokedToken: 0x2d44aa02,
  negativeLookup: 0x2d44aa03,
  expiredKey: 0x2d44aa04,
  krb: 0x11e0f7b0,
  krbCache: 0x11e0f7b1,
  orphanToken: 0x3f00de01,
  orphanRing: 0x3f00de02,
  possessorOnly: 0x21f0a620,
  unreadable: 0x21f0a630,
} as const;

export function fixtureSnapshot(now = Date.now()): Snapshot {
  const I = FIXTURE_IDS;
  const specs: Spec[] = [
    { id: I.process, type: 'keyring', description: '_pid', links: [0x0f3a2c20], perm: 0x3f010000 },
    { id: 0x0f3a2c20, type: 'user', description: 'build-agent:lease', timeout: '45s' },
    {
      id: I.session,
      type: 'keyring',
      description: '_ses',
      usage: 3,
      links: [I.user, I.projectX, I.sudoTicket, 0x2d44aa10, 0x2d44aa11, I.revokedToken, I.negativeLookup, I.expiredKey, I.possessorOnly, I.unreadable, 0x2d44aa12],
    },
    { id: 0x2d44aa10, type: 'logon', description: 'cifs:a:fileserver.corp.example', perm: 0x3f010000 },
    { id: 0x2d44aa11, type: 'user', description: 'ssh-agent: ~/.ssh/id_ed25519 passphrase', timeout: '2h' },
    { id: 0x2d44aa12, type: 'big_key', description: 'backup:restic-repo-password', perm: 0x3f010000 },
    { id: I.sudoTicket, type: 'user', description: 'sudo_ticket', timeout: '4m' },
    { id: I.revokedToken, type: 'user', description: 'api-token:registry.example.com', flags: 'IR-Q---' },
    { id: I.negativeLookup, type: 'dns_resolver', description: 'nfs.corp.example', flags: 'I--Q-N-', timeout: '57s', perm: 0x3f010000 },
    { id: I.expiredKey, type: 'user', description: 'vault:lease/db-creds', flags: 'I--Q---', timeout: 'expd', expiry: { from: 0, to: now - 40_000 } },
    { id: I.possessorOnly, type: 'keyring', description: 'private:possessor-only', perm: 0x3f000000, links: [0x21f0a621] },
    { id: 0x21f0a621, type: 'user', description: 'gpg:AB12CD34 cached passphrase', perm: 0x3f000000, timeout: '9m' },
    { id: I.unreadable, type: 'keyring', description: 'nspawn:container-42', uid: 0, gid: 0, perm: 0x0b0b0000, possessed: true, links: null },
    { id: I.projectX, type: 'keyring', description: 'project-x', links: [I.ciSecrets, I.sharedCert, 0x21f0a613], usage: 2 },
    { id: I.ciSecrets, type: 'keyring', description: 'ci-secrets', links: [I.sharedCert, 0x21f0a614, 0x21f0a615, 0x21f0a616] },
    { id: I.sharedCert, type: 'asymmetric', description: 'corp-ca: Example Corp Root CA 2026', usage: 3, perm: 0x3f010000 },
    { id: 0x21f0a613, type: 'user', description: 'deploy:ssh-key', gid: 27, perm: 0x3f1b0b00 },
    { id: 0x21f0a614, type: 'user', description: 'ci:GITHUB_TOKEN', timeout: '58m' },
    { id: 0x21f0a615, type: 'user', description: 'ci:NPM_TOKEN', flags: '---QU--', timeout: 'perm' },
    { id: 0x21f0a616, type: 'encrypted', description: 'disk:backup-volume', flags: 'I--Q--i' },
    { id: I.userSession, type: 'keyring', description: `_uid_ses.${UID}`, usage: 2, links: [I.user], perm: 0x3f1f0000, possessed: false },
    { id: I.user, type: 'keyring', description: `_uid.${UID}`, usage: 4, links: [0x3a4c5d10, 0x3a4c5d11], perm: 0x3f1f0000 },
    { id: 0x3a4c5d10, type: 'user', description: 'gnome-keyring:login', perm: 0x3f010000 },
    { id: 0x3a4c5d11, type: 'user', description: 'fscrypt:home-policy', perm: 0x3f010000 },
    { id: I.persistent, type: 'keyring', description: `_persistent.${UID}`, timeout: '2d', links: [I.krb], perm: 0x3f0f0000, possessed: false },
    { id: I.krb, type: 'keyring', description: '_krb', links: [I.krbCache], possessed: false },
    { id: I.krbCache, type: 'keyring', description: 'krb_ccache_Xk3Pq9', links: [0x11e0f7b2, 0x11e0f7b3, 0x11e0f7b4], possessed: false },
    { id: 0x11e0f7b2, type: 'user', description: '__krb5_princ__', possessed: false },
    { id: 0x11e0f7b3, type: 'user', description: 'krbtgt/CORP.EXAMPLE@CORP.EXAMPLE', timeout: '9h', possessed: false },
    { id: 0x11e0f7b4, type: 'user', description: 'nfs/fileserver.corp.example@CORP.EXAMPLE', timeout: '9h', possessed: false },
    { id: I.userReg, type: 'keyring', description: '.user_reg', uid: 0, gid: 0, perm: 0x3f030000, links: [I.user, I.userSession], possessed: false, orphan: true, usage: 1 },
    { id: I.persistentRegister, type: 'keyring', description: '.persistent_register', uid: 0, gid: 0, perm: 0x3f030000, links: [I.persistent], possessed: false, orphan: true },
    { id: I.dnsResolver, type: 'keyring', description: '.dns_resolver', uid: 0, gid: 0, perm: 0x1f030000, links: [0x0000002a], possessed: false, orphan: true },
    { id: 0x0000002a, type: 'dns_resolver', description: 'afsdb:corp.example', uid: 0, gid: 0, perm: 0x3f010000, timeout: '6m', possessed: false, orphan: true },
    { id: I.idResolver, type: 'keyring', description: '.id_resolver', uid: 0, gid: 0, perm: 0x1f030000, links: null, possessed: false, orphan: true },
    { id: I.orphanToken, type: 'user', description: 'tmux:detached-session-token', possessed: false, orphan: true, usage: 2 },
    { id: I.orphanRing, type: 'keyring', description: 'old-session', links: [], possessed: false, orphan: true, usage: 1, timeout: '3m' },
  ];
  return withFixturePins({
    takenAt: now,
    uid: UID,
    gid: GID,
    groups: [GID, 27],
    anchors: {
      thread: null,
      process: I.process,
      session: I.session,
      userSession: I.userSession,
      user: I.user,
      persistent: I.persistent,
    },
    keys: specs.map((s) => key(s, now)).sort((a, b) => a.id - b.id),
    quotas: [
      { uid: 0, name: 'root', usage: 9, nkeys: 9, nikeys: 9, qnkeys: 0, maxkeys: 1000000, qnbytes: 0, maxbytes: 25000000 },
      { uid: UID, name: 'alice', usage: 32, nkeys: 30, nikeys: 28, qnkeys: 30, maxkeys: 200, qnbytes: 1834, maxbytes: 20000 },
    ],
  });
}

/** gc_delay as the engine assumes it (/proc/sys/kernel/keys/gc_delay's default). */
const GC_DELAY_MS = 300_000;
/** persistent_keyring_expiry's default: 3 days. */
const PERSISTENT_RENEWAL_S = 259_200;

/**
 * Fills `pins` and `doomed` the way the engine's pin analysis would for this topology (links from
 * visible keyrings, unexplained references as credentials, timers, the user keyrings' pins, doom
 * for revoked/invalidated/expired/negative/dead or unpinned keys), so the demo shows them.
 */
export function withFixturePins(snapshot: Snapshot): Snapshot {
  const now = snapshot.takenAt;
  const inbound = new Map<number, number[]>();
  for (const k of snapshot.keys) for (const m of k.links ?? []) inbound.set(m, [...(inbound.get(m) ?? []), k.id]);
  const userReg = snapshot.keys.find((k) => k.type === 'keyring' && k.description === '.user_reg')?.id;
  const keys = snapshot.keys.map((k): KeyInfo => {
    const from = inbound.get(k.id) ?? [];
    const pins: Pin[] = from.map((id) => ({ kind: 'link', from: id }));
    const unexplained = k.usage - from.length;
    if (unexplained > 0) pins.push({ kind: 'credentials', count: unexplained });
    const user = /^_uid(?:_ses)?\.(\d+)$/.exec(k.description);
    if (k.type === 'keyring' && user) {
      pins.push({ kind: 'user', uid: Number(user[1]), processes: 7, ...(userReg !== undefined ? { userRegistry: userReg } : {}) });
    }
    if (k.expiry !== null && k.timeout !== 'perm' && k.timeout !== 'expd') {
      pins.push(
        k.type === 'keyring' && k.description.startsWith('_persistent.')
          ? { kind: 'timer', renewalSeconds: PERSISTENT_RENEWAL_S, renewedBy: 'KEYCTL_GET_PERSISTENT' }
          : { kind: 'timer' },
      );
    }
    return { ...k, pins, doomed: doomOf(k, pins, now) };
  });
  return { ...snapshot, keys };
}

function doomOf(k: KeyInfo, pins: readonly Pin[], now: number): Doom | null {
  const latest = isWindow(k.expiry) ? k.expiry.to : null;
  const after = (at: number | null) => (at == null ? now + GC_DELAY_MS : at + GC_DELAY_MS);
  if (k.flags[1] === 'R') return { reason: 'revoked', collectAfter: now + GC_DELAY_MS };
  if (k.flags[6] === 'i') return { reason: 'invalidated', collectAfter: now };
  if (k.flags[2] === 'D') return { reason: 'dead', collectAfter: now };
  if (k.timeout === 'expd') return { reason: 'expired', collectAfter: after(latest) };
  if (k.flags[5] === 'N') return { reason: 'negative', collectAfter: after(latest) };
  if (!pins.some((p) => p.kind !== 'timer')) return { reason: 'unpinned', collectAfter: now };
  return null;
}

/** How generated keys hang together: the benchmark's tree, or a graph where many keys are shared. */
export type GeneratedShape = 'tree' | 'shared';

/**
 * A session with `n` keys on top of the fixture's anchors.
 *
 * `tree` (the benchmark's topology: 40k = 400 × 100): keyrings of 100 keys in the session keyring, with a
 * few revoked, expiring and shared keys sprinkled in.
 *
 * `shared`: a CI host's teams. Keyrings of 40 keys in groups of four: a team keyring in the session, three
 * service keyrings inside it (the first also linked from the session), and each keyring links 8 more keys
 * from its team's other keyrings (deploy keys, a CA): about one node in five is linked from several
 * keyrings, which the graph lays out in layers rather than as a tree.
 */
export function generatedSnapshot(n: number, now = Date.now(), shape: GeneratedShape = 'tree'): Snapshot {
  const base = fixtureSnapshot(now);
  const rand = seededRandom(42); // the same tree on every run
  const keys = [...base.keys];
  const session = keys.find((k) => k.id === FIXTURE_IDS.session)!;
  const sessionLinks = [...(session.links ?? [])];
  let nextId = 0x40000000;
  const perRing = shape === 'tree' ? 100 : 40;
  const rings = Math.max(1, Math.ceil(n / (perRing + 1)));
  const ringIds: number[] = [];
  const ringLinks: number[][] = [];
  let made = 0;
  for (let r = 0; r < rings && made < n; r++) {
    const ringId = nextId++;
    const members: number[] = [];
    made++;
    for (let i = 0; i < perRing && made < n; i++, made++) {
      const id = nextId++;
      members.push(id);
      const roll = rand();
      const timeout = roll < 0.05 ? `${1 + Math.floor(rand() * 59)}m` : 'perm';
      keys.push({
        id,
        type: roll > 0.97 ? 'logon' : 'user',
        description: `bench:${r}:${i}`,
        uid: base.uid,
        gid: base.gid,
        perm: 0x3f010000,
        flags: roll < 0.01 ? 'IR-Q---' : 'I--Q---',
        usage: 1,
        timeout,
        expiry: expiryFromColumn(timeout, now, now),
        possessed: true,
        orphan: false,
      });
    }
    ringIds.push(ringId);
    ringLinks.push(members);
  }
  if (shape === 'tree') {
    for (let r = 0; r < ringIds.length; r++) {
      // Every tenth keyring also links the previous one's first key: shared keys at scale.
      if (r % 10 === 9) ringLinks[r]!.push(ringIds[r]! - perRing);
      sessionLinks.push(ringIds[r]!);
    }
  } else {
    const own = ringLinks.map((m) => [...m]);
    for (let r = 0; r < ringIds.length; r++) {
      const team = r - (r % 4);
      if (r === team) sessionLinks.push(ringIds[r]!);
      else {
        ringLinks[team]!.push(ringIds[r]!);
        if (r % 4 === 1) sessionLinks.push(ringIds[r]!);
      }
      const others = own.slice(team, Math.min(team + 4, own.length)).filter((_, i) => team + i !== r).flat();
      for (let i = 0; i < 8 && others.length; i++) {
        const id = others.splice(Math.floor(rand() * others.length), 1)[0]!;
        ringLinks[r]!.push(id);
      }
    }
  }
  for (const [r, ringId] of ringIds.entries()) {
    keys.push({
      id: ringId,
      type: 'keyring',
      description: `bench-ring-${r}`,
      uid: base.uid,
      gid: base.gid,
      perm: 0x3f130000,
      flags: 'I--Q---',
      usage: 1,
      timeout: 'perm',
      expiry: null,
      possessed: true,
      orphan: false,
      links: ringLinks[r]!,
    });
  }
  const idx = keys.indexOf(session);
  keys[idx] = { ...session, links: sessionLinks };
  return withFixturePins({ ...base, keys: keys.sort((a, b) => a.id - b.id) });
}
