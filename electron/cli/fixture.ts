// The documentation fixture format for `keyring-browser demo FIXTURE.json`: a small, declarative
// description of keyrings and keys, validated with zod so a bad fixture fails with a reason (exit 2)
// before any key is made. Pure: building it with real keys is demo.ts's job.
//
// Names: every keyring and key has a `name` local to the fixture; `in`, `links`, `timeouts`, `perm`,
// `revoked` and `chown` refer to those names. `in` may also be `@s` (the fresh session keyring).
import { z } from 'zod';

const NAME = /^[A-Za-z][\w-]*$/;
const name = z.string().regex(NAME, 'a name is a letter then letters, digits, _ or -');
/** `@u`: the owner's user keyring (entries with an `owner` only). */
const where = z.union([z.literal('@s'), z.literal('@u'), name]);

/** A user the demo makes (useradd) unless it exists with that uid, and removes afterwards if it made it. */
const user = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_-]{0,30}$/, 'a user name is lower case letters, digits, _ or - (useradd)'),
  uid: z.int().min(1000).max(59999),
});

const keyring = z.strictObject({
  name,
  description: z.string().min(1).max(4095),
  /** Where the keyring is linked; `@s` by default. */
  in: where.default('@s'),
  /** A user of `users`: the keyring is made by that user (keyctl as them), so it is theirs and charged to them. */
  owner: z.string().optional(),
});

const key = z.strictObject({
  name,
  type: z.enum(['user', 'logon', 'big_key']).default('user'),
  /** With `count`, `{i}` is replaced by 1…count (the names become `<name>-1` …). */
  description: z.string().min(1).max(4095),
  /** Text payload; never shown by the app. `{i}` is replaced too. */
  payload: z.string().max(32767).default('x'),
  /** Pads the payload with `.` to this many bytes (quota pictures need realistic sizes). */
  payloadBytes: z.int().min(1).max(32767).optional(),
  in: where.default('@s'),
  count: z.int().min(1).max(1000).optional(),
  /** As for a keyring. */
  owner: z.string().optional(),
});

const fixtureSchema = z
  .strictObject({
    /** One sentence: what the picture shows. */
    title: z.string().optional(),
    /** Users whose keys the fixture makes (root only); `all` shows every user's view (as --all-users). */
    users: z.array(user).default([]),
    scope: z.enum(['process', 'all']).default('process'),
    keyrings: z.array(keyring).default([]),
    keys: z.array(key).default([]),
    /** Extra links, making a key shared: the key `key` also linked into keyring `into`. */
    links: z.array(z.strictObject({ key: name, into: name })).default([]),
    /** Seconds until expiry, by name. */
    timeouts: z.record(name, z.int().min(1).max(10 * 365 * 86400)).default({}),
    /** Permission masks (`0x3f010000` style strings), by name. */
    perm: z.record(name, z.string().regex(/^0x[0-9a-fA-F]{1,8}$/, 'a perm is a hex mask like "0x3f010000"')).default({}),
    /** Keys revoked once everything else is built. */
    revoked: z.array(name).default([]),
    /**
     * Links the kernel's garbage collector removed, by keyring: that many keys are added to it (as its owner) and
     * invalidated one by one; the collector takes them and the keyring stays charged 4 bytes for each (a quota
     * that no visible key explains). Keys in flight count against the owner's quota, so one at a time.
     */
    collectedLinks: z.record(name, z.int().min(1).max(16_000)).default({}),
    /** Owner changes, by name (root only): the kernel charges the key to the new owner's quota. */
    chown: z.record(name, z.strictObject({ uid: z.int().min(0), gid: z.int().min(-1).default(-1) })).default({}),
  })
  .superRefine((f, ctx) => {
    const rings = new Set(f.keyrings.map((r) => r.name));
    const users = new Set(f.users.map((u) => u.name));
    const ownerOf = new Map<string, string | undefined>(f.keyrings.map((r) => [r.name, r.owner]));
    // An owned entry goes into its owner's user keyring or one of its keyrings; `@u` needs an owner.
    const owned = (e: { owner?: string | undefined; in: string }, path: (string | number)[]) => {
      if (e.owner !== undefined && !users.has(e.owner)) ctx.addIssue({ code: 'custom', path: [...path, 'owner'], message: `${JSON.stringify(e.owner)} is not a user of this fixture` });
      if (e.in === '@u' && e.owner === undefined) ctx.addIssue({ code: 'custom', path: [...path, 'in'], message: '@u needs an owner (whose user keyring it is)' });
      if (e.owner !== undefined && e.in !== '@u' && ownerOf.get(e.in) !== e.owner) ctx.addIssue({ code: 'custom', path: [...path, 'in'], message: `a key of ${e.owner} goes in @u or a keyring of ${e.owner}` });
    };
    f.keyrings.forEach((r, i) => owned(r, ['keyrings', i]));
    f.keys.forEach((k, i) => owned(k, ['keys', i]));
    const all = new Set<string>();
    for (const n of [...f.keyrings.map((r) => r.name), ...f.keys.map((k) => k.name)]) {
      if (all.has(n)) ctx.addIssue({ code: 'custom', message: `the name ${JSON.stringify(n)} is used twice` });
      all.add(n);
    }
    const ring = (n: string, path: (string | number)[]) => {
      if (n !== '@s' && n !== '@u' && !rings.has(n)) ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(n)} is not a keyring of this fixture` });
    };
    const any = (n: string, path: (string | number)[]) => {
      if (!all.has(n)) ctx.addIssue({ code: 'custom', path, message: `${JSON.stringify(n)} is not a keyring or key of this fixture` });
    };
    // Keyrings are made in order: a keyring may only sit in one made before it.
    const made = new Set<string>();
    f.keyrings.forEach((r, i) => {
      if (r.in !== '@s' && r.in !== '@u' && !made.has(r.in)) {
        const message = rings.has(r.in)
          ? `keyring ${JSON.stringify(r.in)} must come before ${JSON.stringify(r.name)}`
          : `${JSON.stringify(r.in)} is not a keyring of this fixture`;
        ctx.addIssue({ code: 'custom', path: ['keyrings', i, 'in'], message });
      }
      made.add(r.name);
    });
    f.keys.forEach((k, i) => ring(k.in, ['keys', i, 'in']));
    f.links.forEach((l, i) => {
      any(l.key, ['links', i, 'key']);
      ring(l.into, ['links', i, 'into']);
    });
    for (const n of Object.keys(f.timeouts)) any(n, ['timeouts', n]);
    for (const n of Object.keys(f.perm)) any(n, ['perm', n]);
    for (const n of Object.keys(f.chown)) any(n, ['chown', n]);
    f.revoked.forEach((n, i) => any(n, ['revoked', i]));
    for (const n of Object.keys(f.collectedLinks)) if (!rings.has(n)) ctx.addIssue({ code: 'custom', path: ['collectedLinks', n], message: `${JSON.stringify(n)} is not a keyring of this fixture` });
  });

export type Fixture = z.output<typeof fixtureSchema>;
export type FixtureKey = Fixture['keys'][number];

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

/** Parses fixture JSON text; throws FixtureError with every problem, each with where it is. */
export function parseFixture(text: string, source = 'fixture'): Fixture {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FixtureError(`${source} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = fixtureSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`);
  throw new FixtureError(`${source} is not a valid fixture:\n${problems.join('\n')}`);
}

/** The concrete keys a fixture entry stands for (expanding `count`). */
export function expandKey(k: FixtureKey): { name: string; description: string; payload: string }[] {
  const one = (i: number | null) => {
    const fill = (s: string) => (i === null ? s : s.replaceAll('{i}', String(i)));
    let payload = fill(k.payload);
    if (k.payloadBytes !== undefined && payload.length < k.payloadBytes) payload = payload.padEnd(k.payloadBytes, '.');
    return { name: i === null ? k.name : `${k.name}-${i}`, description: fill(k.description), payload };
  };
  if (k.count === undefined) return [one(null)];
  return Array.from({ length: k.count }, (_, j) => one(j + 1));
}
