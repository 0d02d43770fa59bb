// `keyring-browser demo FIXTURE.json`: builds a fixture's topology with real keys in a fresh anonymous
// session keyring of this process, so documentation pictures are reproducible. The keys live as long
// as the session keyring: when this process exits nothing holds them and the kernel collects them.
import { readFileSync } from 'node:fs';
import { formatKeyId } from '../../shared/keyIds';
import * as keyctl from '../keyring/keyctl';
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
  for (const r of fixture.keyrings) ids.set(r.name, [add('keyring', r.description, null, r.in)]);
  for (const k of fixture.keys) ids.set(k.name, expandKey(k).map((one) => add(k.type, one.description, Buffer.from(one.payload), k.in)));
  for (const l of fixture.links) each(l.key, `linking into ${l.into}:`, (id) => keyctl.link(id, ring(l.into)));
  for (const [name, owner] of Object.entries(fixture.chown)) each(name, `chown ${owner.uid}:`, (id) => keyctl.chown(id, owner.uid, owner.gid));
  for (const [name, mask] of Object.entries(fixture.perm)) each(name, `setperm ${mask}:`, (id) => keyctl.setPerm(id, Number(mask)));
  for (const [name, seconds] of Object.entries(fixture.timeouts)) each(name, `timeout ${seconds}:`, (id) => keyctl.setTimeout(id, seconds));
  for (const name of fixture.revoked) each(name, 'revoke:', (id) => keyctl.revoke(id));
  return { session, ids };
}

/** Every description a fixture puts in the kernel (tests check a redacted picture shows none). */
export function fixtureDescriptions(fixture: Fixture): string[] {
  return [...fixture.keyrings.map((r) => r.description), ...fixture.keys.flatMap((k) => expandKey(k).map((one) => one.description))];
}
