import { describe, expect, it } from 'vitest';
import { k, ring } from '../test/keys';
import { afterUnlink, clearWords, permLossWords, rowParent } from './consequences';

const keys = new Map([
  [10, ring(10, '_ses', [30])],
  [20, ring(20, 'project', [30, 31])],
  [30, k(30, 'shared')],
  [31, k(31, 'lonely')],
]);
const parentsOf = (id: number) => [...keys.values()].filter((x) => x.links?.includes(id)).map((x) => x.id);

describe('what a destructive action will do, in words', () => {
  it('says a key with one link will be destroyed, and names the other links otherwise', () => {
    expect(afterUnlink(keys, [20], 20)).toBe('This key has no other link: it will be destroyed.');
    expect(afterUnlink(keys, [10, 20], 20)).toBe('It stays linked from 1 other keyring: _ses (0x0000000a).');
  });

  it('says which members clearing a keyring destroys', () => {
    expect(clearWords(keys, keys.get(20)!, parentsOf)).toBe(
      'Clear project (0x00000014): its 2 members are unlinked. 1 of them has no other link and will be destroyed: lonely (0x0000001f).',
    );
  });

  it('warns when a mask takes view or setattr away from this process, and only then', () => {
    const key = k(30, 'shared', { perm: 0x3f010000, possessed: false });
    const me = { uid: 1000, gid: 1000, groups: [] };
    expect(permLossWords(key, me, 0x3f3f0000)).toBeNull();
    expect(permLossWords(key, me, 0x3f1f0000)).toBeNull(); // user byte had no setattr to lose
    expect(permLossWords({ ...key, perm: 0x3f3f0000 }, me, 0x3f1f0000)).toContain('setattr');
    expect(permLossWords({ ...key, perm: 0x3f3f0000 }, me, 0x3f000000)).toMatch(/view and setattr.*vanish/);
  });

  it('finds the keyring a tree row sits in', () => {
    const anchors = { thread: null, process: null, session: 10, user: null, userSession: null, persistent: null };
    expect(rowParent('a:session/30', anchors)).toBe(10);
    expect(rowParent('a:session/20/31', anchors)).toBe(20);
    expect(rowParent('k:20/31', anchors)).toBe(20);
    expect(rowParent('a:session', anchors)).toBeNull();
  });
});
