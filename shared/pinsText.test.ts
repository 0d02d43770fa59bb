import { describe, expect, it } from 'vitest';
import { describePins, formatDuration, keyName } from './pinsText';
import type { KeyInfo } from './snapshot';
import { testKey } from './testing';

const NOW = 1_800_000_000_000;

const key = (id: number, fields: Partial<KeyInfo> = {}): KeyInfo => testKey(id, { pins: [], doomed: null, ...fields });

const ses = key(0x1ca19b07, { type: 'keyring', description: '_ses', links: [] });
const ring = key(0x0000abcd, { type: 'keyring', description: 'ring', links: [] });
const userReg = key(0x225b5587, { type: 'keyring', description: '.user_reg', links: [] });
const byId = new Map([ses, ring, userReg].map((k) => [k.id, k]));

describe('describePins', () => {
  it("says the issue's sentence for a keyring linked from _ses and held by processes", () => {
    const k = key(7, {
      type: 'keyring',
      description: 'krb',
      usage: 3,
      pins: [
        { kind: 'link', from: ses.id },
        { kind: 'credentials', count: 2 },
      ],
    });
    expect(describePins(k, byId, NOW)).toEqual({
      keptBy: 'Kept alive by: link from _ses (0x1ca19b07); 2 process references.',
      ifUnlinked: 'Unlinking it from _ses (0x1ca19b07) would leave 2 references.',
    });
  });

  it('warns that the last unlink destroys the key', () => {
    const k = key(7, { pins: [{ kind: 'link', from: ses.id }] });
    expect(describePins(k, byId, NOW).ifUnlinked).toBe('Unlinking it from _ses (0x1ca19b07) would destroy it: nothing else holds it.');
  });

  it('names several linking keyrings, and unknown ones by id', () => {
    const k = key(7, {
      usage: 2,
      pins: [
        { kind: 'link', from: ses.id },
        { kind: 'link', from: 0x11 },
      ],
    });
    const text = describePins(k, byId, NOW);
    expect(text.keptBy).toBe('Kept alive by: links from _ses (0x1ca19b07) and 0x00000011.');
    expect(text.ifUnlinked).toBe('Unlinking it from any one of these keyrings would leave 1 reference.');
  });

  it('shortens long link lists', () => {
    const pins = [1, 2, 3, 4, 5].map((from) => ({ kind: 'link' as const, from }));
    expect(describePins(key(7, { pins }), byId, NOW).keptBy).toBe(
      'Kept alive by: links from 0x00000001, 0x00000002, 0x00000003 and 2 more.',
    );
  });

  it('says who holds a session keyring nothing links', () => {
    const text = describePins(key(9, { type: 'keyring', description: '_ses', pins: [{ kind: 'credentials', count: 1 }] }), byId, NOW);
    expect(text).toEqual({ keptBy: 'Kept alive by: 1 process reference.' });
  });

  it('calls unexplained references of kernel keyrings and plain keys what they can be', () => {
    expect(describePins(key(9, { type: 'keyring', description: '.user_reg', pins: [{ kind: 'credentials', count: 1 }] }), byId, NOW).keptBy).toBe(
      'Kept alive by: 1 kernel reference.',
    );
    expect(describePins(key(9, { pins: [{ kind: 'credentials', count: 2 }] }), byId, NOW).keptBy).toBe(
      'Kept alive by: 2 other references (unreadable keyrings or the kernel).',
    );
  });

  it("explains the user keyrings and .user_reg", () => {
    const k = key(5, {
      type: 'keyring',
      description: '_uid.0',
      pins: [
        { kind: 'link', from: userReg.id },
        { kind: 'user', uid: 0, processes: 1, userRegistry: userReg.id },
      ],
    });
    expect(describePins(k, byId, NOW).keptBy).toBe(
      "Kept alive by: link from .user_reg (0x225b5587); uid 0's user keyring, kept by .user_reg (0x225b5587) even after the user's last process (1 process of uid 0 running).",
    );
    const old = key(5, { type: 'keyring', description: '_uid.1000', pins: [{ kind: 'user', uid: 1000, processes: 3 }] });
    expect(describePins(old, byId, NOW).keptBy).toBe(
      "Kept alive by: uid 1000's user keyring, kept while the user has processes (3 processes of uid 1000 running).",
    );
    // Kernel threads run as uid 0: counted, and said so.
    const root = (processes: number, kernelThreads: number) =>
      describePins(key(5, { type: 'keyring', description: '_uid.0', pins: [{ kind: 'user', uid: 0, processes, kernelThreads }] }), byId, NOW).keptBy;
    expect(root(63, 60)).toBe("Kept alive by: uid 0's user keyring, kept while the user has processes (63 processes of uid 0 running, 60 of them kernel threads).");
    expect(root(2, 1)).toBe("Kept alive by: uid 0's user keyring, kept while the user has processes (2 processes of uid 0 running, 1 of them a kernel thread).");
    expect(root(60, 60)).toBe("Kept alive by: uid 0's user keyring, kept while the user has processes (60 processes of uid 0 running, all kernel threads).");
    expect(root(3, 0)).toBe("Kept alive by: uid 0's user keyring, kept while the user has processes (3 processes of uid 0 running).");
  });

  it('adds the countdown of a timer, as precise as its window, and how the persistent keyring is renewed', () => {
    const exact = key(7, { expiry: { from: NOW + 300_000, to: NOW + 300_000 }, pins: [{ kind: 'link', from: ring.id }, { kind: 'timer' }] });
    expect(describePins(exact, byId, NOW).keptBy).toBe('Kept alive by: link from ring (0x0000abcd). Expires in 5m 00s.');
    const rounded = key(7, { expiry: { from: NOW + 9 * 3600_000, to: NOW + 10 * 3600_000 - 1000 }, pins: [{ kind: 'timer' }] });
    expect(describePins(rounded, byId, NOW).keptBy).toBe('Kept alive by: nothing. Expires in ≈9h 29m ±30m.');
    const persistent = key(8, {
      type: 'keyring',
      description: '_persistent.0',
      expiry: { from: NOW + 2 * 86400_000, to: NOW + 3 * 86400_000 - 1000 },
      pins: [
        { kind: 'link', from: ring.id },
        { kind: 'timer', renewalSeconds: 259200, renewedBy: 'KEYCTL_GET_PERSISTENT' },
      ],
    });
    expect(describePins(persistent, byId, NOW).keptBy).toBe(
      'Kept alive by: link from ring (0x0000abcd). Expires in ≈2d 11h ±12h: it expires 3 d after its last use (KEYCTL_GET_PERSISTENT resets the timer; reading it does not).',
    );
  });

  it('says when the collector takes a doomed key', () => {
    const revoked = key(7, { pins: [{ kind: 'link', from: ses.id }], doomed: { reason: 'revoked', collectAfter: NOW + 300_000 } });
    expect(describePins(revoked, byId, NOW, 300).doom).toBe(
      'Doomed: revoked; the collector removes it within about 5 min (gc_delay 300 s).',
    );
    expect(describePins(revoked, byId, NOW).doom).toBe('Doomed: revoked; the collector removes it within about 5 min.');

    const expired = key(7, { doomed: { reason: 'expired', collectAfter: NOW + 90_000 } });
    expect(describePins(expired, byId, NOW, 300).doom).toBe('Doomed: expired; the collector removes it in about 2 min (gc_delay 300 s).');
    const overdue = key(7, { doomed: { reason: 'expired', collectAfter: NOW - 1_000 } });
    expect(describePins(overdue, byId, NOW).doom).toBe('Doomed: expired; the collector removes it any moment now.');

    for (const reason of ['invalidated', 'dead', 'unpinned'] as const) {
      expect(describePins(key(7, { doomed: { reason, collectAfter: NOW } }), byId, NOW).doom).toMatch(/the collector removes it at once\.$/);
    }
    expect(describePins(key(7, { doomed: { reason: 'unpinned', collectAfter: NOW } }), byId, NOW)).toEqual({
      keptBy: 'Kept alive by: nothing.',
      doom: 'Doomed: nothing holds it; the collector removes it at once.',
    });
    expect(describePins(key(7, { doomed: { reason: 'negative', collectAfter: null } }), byId, NOW).doom).toBe(
      'Doomed: negative (a failed lookup cached as a key); it has no timeout, so it stays until nothing references it.',
    );
  });

  it('says when a timed key has expired, or that its expiry is unknown, and how the persistent keyring is renewed when the period is not known', () => {
    const expired = key(7, { expiry: { from: NOW - 2000, to: NOW - 1000 }, pins: [{ kind: 'timer' }] });
    expect(describePins(expired, byId, NOW).keptBy).toBe('Kept alive by: nothing. Expired.');
    const unknown = key(7, { expiry: 'unknown', pins: [{ kind: 'timer' }] });
    expect(describePins(unknown, byId, NOW).keptBy).toBe('Kept alive by: nothing. Expires at an unknown time.');
    const persistent = key(8, { type: 'keyring', description: '_persistent.0', expiry: 'unknown', pins: [{ kind: 'timer', renewedBy: 'KEYCTL_GET_PERSISTENT' }] });
    expect(describePins(persistent, byId, NOW).keptBy).toBe(
      'Kept alive by: nothing. Expires at an unknown time: it expires after its last use (KEYCTL_GET_PERSISTENT resets the timer; reading it does not).',
    );
  });

  it('says a doomed key whose collection time is now goes any moment, not in 0 s', () => {
    const due = key(7, { doomed: { reason: 'expired', collectAfter: NOW } });
    expect(describePins(due, byId, NOW).doom).toBe('Doomed: expired; the collector removes it any moment now.');
  });

  it('names three linking keyrings in full, and only more than three are cut short', () => {
    const three = [ses.id, ring.id, userReg.id].map((from) => ({ kind: 'link' as const, from }));
    expect(describePins(key(7, { pins: three }), byId, NOW).keptBy).toBe(
      'Kept alive by: links from _ses (0x1ca19b07), ring (0x0000abcd) and .user_reg (0x225b5587).',
    );
  });

  it('says so when the analysis has not run', () => {
    expect(describePins(key(7, { pins: undefined }), byId, NOW)).toEqual({ keptBy: 'Kept alive by: not analysed.' });
  });
});

describe('formatDuration', () => {
  it('reads like a countdown, two units at most', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(300)).toBe('5 min');
    expect(formatDuration(3599)).toBe('1 h');
    expect(formatDuration(3600 + 5 * 60)).toBe('1 h 5 min');
    expect(formatDuration(7200 - 10)).toBe('2 h');
    expect(formatDuration(259200)).toBe('3 d');
    expect(formatDuration(2 * 86400 + 23 * 3600 + 59 * 60)).toBe('3 d');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('moves to the next unit exactly at its boundary, and leaves out a zero', () => {
    expect(formatDuration(59)).toBe('59 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(3569)).toBe('59 min');
    expect(formatDuration(3570)).toBe('1 h'); // 59.5 min
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(7200)).toBe('2 h');
    expect(formatDuration(86369)).toBe('23 h 59 min');
    expect(formatDuration(86370)).toBe('1 d'); // not '24 h'
    expect(formatDuration(86399)).toBe('1 d');
    expect(formatDuration(86400)).toBe('1 d');
    expect(formatDuration(86400 + 5 * 3600)).toBe('1 d 5 h');
    expect(formatDuration(7 * 86400 - 1801)).toBe('6 d 23 h');
    expect(formatDuration(7 * 86400 - 1800)).toBe('1 w'); // not '7 d'
  });

  it('counts weeks from a week on, as /proc/keys does, so the largest timeout reads one way', () => {
    expect(formatDuration(7 * 86400)).toBe('1 w');
    expect(formatDuration(9 * 86400)).toBe('1 w 2 d');
    expect(formatDuration(13 * 86400 + 20 * 3600)).toBe('2 w');
    expect(formatDuration(4294967295)).toBe('7101 w 3 d'); // /proc/keys: 7101w
  });
});

describe('keyName', () => {
  it('prints description and 8-digit hex id, or the id alone', () => {
    expect(keyName(ses.id, byId)).toBe('_ses (0x1ca19b07)');
    expect(keyName(0xfffffffe, byId)).toBe('0xfffffffe');
  });
});
