// The fixture format (fixture.ts): what is accepted, what is refused and how the reason reads; and that the
// fixtures shipped in docs/fixtures/ are valid.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandKey, FixtureError, parseFixture } from './fixture';

const FIXTURES = join(__dirname, '..', '..', 'docs', 'fixtures');

describe('parseFixture', () => {
  it('fills defaults: keys are user keys in the session keyring', () => {
    const f = parseFixture(JSON.stringify({ keys: [{ name: 'k', description: 'd' }] }));
    expect(f.keys[0]).toEqual({ name: 'k', type: 'user', description: 'd', payload: 'x', in: '@s' });
    expect(f).toMatchObject({ keyrings: [], links: [], timeouts: {}, perm: {}, revoked: [], chown: {} });
  });

  it.each([
    ['not JSON', 'nope', /is not JSON/],
    ['an unknown field', { keys: [], extra: 1 }, /\(top\): Unrecognized key/],
    ['a key in an unknown keyring', { keys: [{ name: 'k', description: 'd', in: 'ring' }] }, /keys\.0\.in: "ring" is not a keyring of this fixture/],
    ['a key used as a keyring', { keys: [{ name: 'a', description: 'd' }, { name: 'b', description: 'd', in: 'a' }] }, /keys\.1\.in: "a" is not a keyring/],
    ['a name used twice', { keyrings: [{ name: 'a', description: 'r' }], keys: [{ name: 'a', description: 'd' }] }, /"a" is used twice/],
    ['a keyring before its parent', { keyrings: [{ name: 'a', description: 'r', in: 'b' }, { name: 'b', description: 'r' }] }, /"b" must come before "a"/],
    ['a timeout for an unknown name', { timeouts: { ghost: 5 } }, /timeouts\.ghost: "ghost" is not a keyring or key/],
    ['a bad perm', { keys: [{ name: 'k', description: 'd' }], perm: { k: '777' } }, /perm\.k: a perm is a hex mask/],
    ['a link into a key', { keys: [{ name: 'k', description: 'd' }], links: [{ key: 'k', into: 'k' }] }, /links\.0\.into/],
    ['a bad type', { keys: [{ name: 'k', type: 'keyring', description: 'd' }] }, /keys\.0\.type/],
    ['@u without an owner', { keys: [{ name: 'k', description: 'd', in: '@u' }] }, /keys\.0\.in: @u needs an owner/],
    ['an owner that is not a user', { keys: [{ name: 'k', description: 'd', in: '@u', owner: 'eve' }] }, /keys\.0\.owner: "eve" is not a user/],
    [
      "a user's key in another's keyring",
      { users: [{ name: 'alice', uid: 4301 }, { name: 'bob', uid: 4302 }], keyrings: [{ name: 'r', description: 'r', in: '@u', owner: 'alice' }], keys: [{ name: 'k', description: 'd', in: 'r', owner: 'bob' }] },
      /keys\.0\.in: a key of bob goes in @u or a keyring of bob/,
    ],
    ['a user name useradd refuses', { users: [{ name: 'Alice', uid: 4301 }] }, /users\.0\.name/],
    ['collected links in a key, not a keyring', { keys: [{ name: 'k', description: 'd' }], collectedLinks: { k: 3 } }, /collectedLinks\.k: "k" is not a keyring of this fixture/],
  ])('refuses %s with where and why', (_what, input, message) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    expect(() => parseFixture(text, 'f.json')).toThrow(FixtureError);
    expect(() => parseFixture(text, 'f.json')).toThrow(message);
  });

  it('expands count with {i} and pads payloads to payloadBytes', () => {
    const f = parseFixture(JSON.stringify({ keys: [{ name: 'u', description: 'uid:{i}', payload: 'p{i}', payloadBytes: 5, count: 3 }] }));
    expect(expandKey(f.keys[0]!)).toEqual([
      { name: 'u-1', description: 'uid:1', payload: 'p1...' },
      { name: 'u-2', description: 'uid:2', payload: 'p2...' },
      { name: 'u-3', description: 'uid:3', payload: 'p3...' },
    ]);
  });

  it.each(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')))('docs/fixtures/%s is valid', (file) => {
    expect(() => parseFixture(readFileSync(join(FIXTURES, file), 'utf8'), file)).not.toThrow();
  });
});
