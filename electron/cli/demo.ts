// `keyring-browser demo FIXTURE.json`: builds a fixture's topology with real keys in a fresh anonymous
// session keyring of this process, so documentation pictures are reproducible. The keys live as long
// as the session keyring: when this process exits nothing holds them and the kernel collects them.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { formatKeyId } from '../../shared/keyIds';
import { forgetUserKeys } from '../keyring/forgetUserKeys';
import { parseKeyUsers } from '../keyring/keyUsers';
import * as keyctl from '../keyring/keyctl';
import { setprivArgs } from '../keyring/userProcess';
import { expandKey, FixtureError, parseFixture, type Fixture } from './fixture';

export { FixtureError } from './fixture';

/** The kernel refused a step (quota, permission): exit 1 with the step in the sentence. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface BuiltFixture {
  session: number;
  /** Fixture name → the kernel ids it stands for (several for a key entry with `count`). */
  ids: Map<string, number[]>;
  /** Empties the fixture users' user keyrings (they outlive the demo in `.user_reg`) and removes the users it added. */
  cleanup(): void;
}

/** The uid of user `name` in the passwd database, or null. */
function uidOf(name: string): number | null {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** Makes the fixture's users that do not exist yet; returns the names it added. */
function addUsers(fixture: Fixture): string[] {
  const added: string[] = [];
  for (const u of fixture.users) {
    const existing = uidOf(u.name);
    if (existing === u.uid) continue;
    if (existing !== null) throw new DemoError(`user ${u.name} exists with uid ${existing}, not the fixture's ${u.uid}`);
    try {
      execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', '--uid', String(u.uid), u.name], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      throw new DemoError(`adding user ${u.name} (uid ${u.uid}) failed (the demo needs root): ${describeError(e)}`);
    }
    added.push(u.name);
  }
  return added;
}

/**
 * keyctl as `uid`, in a fresh session of its own that links its user keyring, so it possesses (and may write
 * into) its own keyrings; returns keyctl's stdout.
 */
function keyctlAs(uid: number, args: string[]): string {
  return shellAs(uid, 'exec keyctl "$@"', args);
}

/** Shell `script` (with `args` as $1…) as `uid`, in such a session; returns its stdout. */
function shellAs(uid: number, script: string, args: string[] = []): string {
  return execFileSync('setpriv', [...setprivArgs(uid, 'from-database'), 'keyctl', 'session', '-', 'sh', '-c', `keyctl link @u @s >/dev/null && ${script}`, 'sh', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Keys charged to `uid`'s quota now (/proc/key-users). */
function quotaKeysOf(uid: number): number {
  return parseKeyUsers(readFileSync('/proc/key-users', 'utf8')).quotas.find((q) => q.uid === uid)?.qnkeys ?? 0;
}

/** Polls `done` every 20 ms for up to 30 s (the kernel's collector says nothing when it has run). */
function waitUntil(done: () => boolean, failure: string): void {
  const until = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > until) throw new DemoError(failure);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

export function readFixture(path: string): Fixture {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FixtureError(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseFixture(text, path);
}

/** Joins a fresh anonymous session keyring (this thread, and threads started after) and builds `fixture` in it. */
export function buildFixture(fixture: Fixture, options: { joinSession?: boolean } = {}): BuiltFixture {
  const session = options.joinSession === false ? keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION, false) : keyctl.joinSessionKeyring(null);
  const ids = new Map<string, number[]>();
  const ring = (name: string): number => (name === '@s' ? session : (ids.get(name)?.[0] as number));
  const addedUsers = addUsers(fixture);
  const uidOfUser = new Map(fixture.users.map((u) => [u.name, u.uid]));
  const cleanup = () => {
    // A user the demo added goes with every key it owns (userdel alone would leave its user keyrings in the
    // kernel for good); a user that was there keeps its own keys, and loses only what the demo made as it.
    for (const u of fixture.users) {
      if (addedUsers.includes(u.name)) continue;
      for (const entry of [...fixture.keyrings, ...fixture.keys]) {
        if (entry.owner !== u.name) continue;
        for (const id of ids.get(entry.name) ?? []) {
          try {
            keyctlAs(u.uid, ['invalidate', String(id)]);
          } catch {
            // gone already, or the user changed its rights: the other keys still go
          }
        }
      }
    }
    for (const name of addedUsers) {
      try {
        forgetUserKeys(uidOfUser.get(name)!);
      } catch {
        // userdel goes ahead: a user left behind would be worse than its keys
      }
      spawnSync('userdel', [name], { stdio: 'ignore' });
    }
  };
  /** An entry of a fixture user, made by that user. */
  const addAs = (owner: string, type: string, description: string, payload: string | null, into: string): number => {
    const target = into === '@u' ? '@u' : String(ring(into));
    const args = payload === null ? ['newring', description, target] : ['add', type, description, payload, target];
    try {
      return Number(keyctlAs(uidOfUser.get(owner)!, args));
    } catch (e) {
      cleanup();
      throw new DemoError(`adding ${type} ${JSON.stringify(description)} as ${owner} to ${into} failed: ${describeError(e)}`);
    }
  };
  const each = (name: string, what: string, fn: (id: number) => void): void => {
    for (const id of ids.get(name) ?? []) {
      try {
        fn(id);
      } catch (e) {
        throw new DemoError(`${what} ${name} (${formatKeyId(id)}) failed: ${describeError(e)}`);
      }
    }
  };

  const add = (type: string, description: string, payload: Buffer | null, into: string): number => {
    try {
      return keyctl.addKey(type, description, payload, ring(into));
    } catch (e) {
      throw new DemoError(`adding ${type} ${JSON.stringify(description)} to ${into} failed: ${describeError(e)}`);
    }
  };
  for (const r of fixture.keyrings) {
    ids.set(r.name, [r.owner !== undefined ? addAs(r.owner, 'keyring', r.description, null, r.in) : add('keyring', r.description, null, r.in)]);
  }
  for (const k of fixture.keys) {
    const owner = k.owner;
    ids.set(
      k.name,
      expandKey(k).map((one) => (owner !== undefined ? addAs(owner, k.type, one.description, one.payload, k.in) : add(k.type, one.description, Buffer.from(one.payload), k.in))),
    );
  }
  for (const l of fixture.links) each(l.key, `linking into ${l.into}:`, (id) => keyctl.link(id, ring(l.into)));
  for (const [name, owner] of Object.entries(fixture.chown)) each(name, `chown ${owner.uid}:`, (id) => keyctl.chown(id, owner.uid, owner.gid));
  const ownerOfEntry = new Map([...fixture.keyrings, ...fixture.keys].map((e) => [e.name, e.owner]));
  for (const [name, mask] of Object.entries(fixture.perm)) {
    const owner = ownerOfEntry.get(name);
    // A user's key: only its owner (or a possessor) may change its permissions, so the owner does.
    if (owner !== undefined) each(name, `setperm ${mask} as ${owner}:`, (id) => void keyctlAs(uidOfUser.get(owner)!, ['setperm', String(id), mask]));
    else each(name, `setperm ${mask}:`, (id) => keyctl.setPerm(id, Number(mask)));
  }
  for (const [name, seconds] of Object.entries(fixture.timeouts)) each(name, `timeout ${seconds}:`, (id) => keyctl.setTimeout(id, seconds));
  for (const name of fixture.revoked) each(name, 'revoke:', (id) => keyctl.revoke(id));
  for (const [name, count] of Object.entries(fixture.collectedLinks)) {
    const owner = ownerOfEntry.get(name);
    const uid = owner === undefined ? (process.getuid?.() ?? 0) : uidOfUser.get(owner)!;
    const before = quotaKeysOf(uid);
    each(name, `${count} collected links in`, (id) => {
      if (owner !== undefined) {
        shellAs(uid, 'i=1; while [ $i -le "$1" ]; do keyctl invalidate $(keyctl add user collected-$i x "$2") || exit 1; i=$((i+1)); done', [String(count), String(id)]);
      } else {
        for (let i = 1; i <= count; i++) keyctl.invalidate(keyctl.addKey('user', `collected-${i}`, Buffer.from('x'), id));
      }
    });
    waitUntil(() => quotaKeysOf(uid) <= before, `the collector did not take the keys invalidated in ${name} within 30 s`);
  }
  return { session, ids, cleanup };
}

/** Every description a fixture puts in the kernel (tests check a redacted picture shows none). */
export function fixtureDescriptions(fixture: Fixture): string[] {
  return [...fixture.keyrings.map((r) => r.description), ...fixture.keys.flatMap((k) => expandKey(k).map((one) => one.description))];
}
