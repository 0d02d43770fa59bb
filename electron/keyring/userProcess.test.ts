// Running as another uid (as root) with the groups asked for, and /proc/keys as that uid reads it: in a
// session of its own, left out, possessing nothing of the caller's; at a full quota it fails unless told to
// keep the caller's session. A throwaway user; keyutils' keyctl and util-linux's setpriv.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as keyctl from './keyctl';
import { procKeysAs, runScriptAs } from './userProcess';
import { addThrowawayUser, fillQuotaTo, keyUsersForget, removeThrowawayUser, runAs, sessionsCollected, type ThrowawayUser } from '../test/throwawayUsers';

let user: ThrowawayUser;
/** A key of this test's session that only its possessor may view (possessor: all; user, group, other: nothing). */
let possessorOnly: number;

beforeAll(() => {
  user = addThrowawayUser('kbup');
  possessorOnly = keyctl.addKey('user', `kbup-possessed-${process.pid}`, Buffer.from('x'), keyctl.KEY_SPEC.SESSION);
  keyctl.setPerm(possessorOnly, 0x3f000000);
  runAs(user.uid, 'keyctl', 'add', 'user', 'kbup-own', 'x', '@u');
});

afterAll(async () => {
  if (possessorOnly) keyctl.unlink(possessorOnly, keyctl.KEY_SPEC.SESSION);
  if (!user) return;
  removeThrowawayUser(user);
  expect(await keyUsersForget(user.uid)).toBe(true);
});

describe('runScriptAs', () => {
  it('runs as the uid, with its groups from the database or with none, in a session keyring of its own', () => {
    const gid = Number(execFileSync('id', ['-g', user.name], { encoding: 'utf8' }).trim());
    const withGroups = runScriptAs(user.uid, 'id -u; id -G; keyctl id @s');
    const [uid, groups, session] = withGroups.stdout.trim().split('\n');
    expect(Number(uid)).toBe(user.uid);
    expect(groups!.split(' ').map(Number)).toContain(gid);
    expect(Number(session)).toBe(withGroups.ownSession);
    expect(runScriptAs(user.uid, 'id -G', [], { groups: 'none' }).stdout.trim()).toBe(String(user.uid));
  });
});

describe('procKeysAs', () => {
  // Each earlier run left a session keyring of the user's that the kernel's collector destroys soon after, not
  // at once: one still listed would be taken for procKeysAs' own, and one still charged would leave the quota
  // room when it is collected. CI saw both.
  beforeEach(() => sessionsCollected(user.uid));

  it('lists what the uid may view, leaving out its reading session, and nothing only the caller possesses', () => {
    const lines = procKeysAs(user.uid);
    expect(lines.some((l) => l.uid === user.uid && l.rest.startsWith('kbup-own:'))).toBe(true);
    expect(lines.some((l) => l.uid === user.uid && l.rest.startsWith('_ses'))).toBe(false);
    expect(lines.some((l) => l.id === possessorOnly)).toBe(false);
  });

  it('at a full quota fails, unless told to read in the caller’s session (which then possesses its keys)', () => {
    fillQuotaTo(user.uid, Number(readFileSync('/proc/sys/kernel/keys/maxkeys', 'utf8')), 'kbup');
    expect(() => procKeysAs(user.uid)).toThrow(new RegExp(`running as uid ${user.uid} failed: .*Disk quota exceeded`));
    const inCaller = procKeysAs(user.uid, { whenQuotaFull: 'use-caller-session' });
    expect(inCaller.some((l) => l.id === possessorOnly)).toBe(true);
  });
});
