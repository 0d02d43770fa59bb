// The change log says what is news, in words: no usage counts, pins or countdowns; bursts summed up;
// revocation and expiry as their own kinds; each line knows whether it is about this process's keys.
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/snapshot';
import { delta, k, ring } from '../test/keys';
import { LOG_BURST, LOG_DETAIL_LIMIT, logEntriesFor, newsworthyFields } from './liveEvents';

const map = (keys: KeyInfo[]) => new Map(keys.map((x) => [x.id, x]));
let n = 0;
const next = () => ++n;

describe('the change log', () => {
  it('leaves out usage, pins, the expiry window and a timeout that only counts down', () => {
    const key = k(1, 'ticket', { timeout: '50s' });
    const after = { ...key, timeout: '49s', usage: 3 };
    const entries = logEntriesFor(
      delta(1, {
        changed: [
          { id: 1, changes: { timeout: '49s', usage: 3, pins: [{ kind: 'credentials', count: 2 }], expiry: { from: 1, to: 2 } } },
        ],
      }),
      map([key]),
      map([after]),
      next,
    );
    expect(entries).toEqual([]);
    expect(newsworthyFields({ timeout: '1h' }, k(1, 'x', { timeout: '50m' }))).toEqual(['timeout']); // renewed: news
    expect(newsworthyFields({ timeout: '2h' }, k(1, 'x', { timeout: '3h' }))).toEqual([]);
  });

  it('says a change in plain words, with the old value', () => {
    const key = k(1, 'ticket', { perm: 0x3f010000, uid: 0, timeout: 'perm' });
    const [e] = logEntriesFor(delta(1, { changed: [{ id: 1, changes: { perm: 0x3f030000, uid: 1000, timeout: '1h' } }] }), map([key]), map([key]), next);
    expect(e).toMatchObject({ kind: 'changed', detail: 'permissions 3f010000 → 3f030000, owner uid 0 → 1000, expires in 1h' });
  });

  it("tells a key's new payload length (an update), not a keyring's (its links are told)", () => {
    const key = k(1, 'token', { payloadLength: 5 });
    const [e] = logEntriesFor(delta(1, { changed: [{ id: 1, changes: { payloadLength: 12 } }] }), map([key]), map([key]), next);
    expect(e).toMatchObject({ kind: 'changed', detail: 'payload 5 → 12 bytes' });
    expect(newsworthyFields({ payloadLength: 8 }, ring(2, 'cache', [3, 4], { payloadLength: 4 }))).toEqual([]);
  });

  it('gives revocation and expiry their own kind, and does not report the revocation twice', () => {
    const key = k(1, 'ticket', { flags: 'I------', timeout: '5m' });
    const [revoked] = logEntriesFor(delta(1, { changed: [{ id: 1, changes: { flags: 'IR-----', timeout: 'expd' } }] }), map([key]), map([key]), next);
    expect(revoked).toMatchObject({ kind: 'revoked', detail: 'now revoked (flags IR-----)' });
    const [expired] = logEntriesFor(delta(1, { changed: [{ id: 1, changes: { timeout: 'expd' } }] }), map([key]), map([key]), next);
    expect(expired).toMatchObject({ kind: 'expired', detail: 'expired' });
  });

  it('sums up a burst: "400 keyrings and 20,000 keys added", in the keyring they landed in', () => {
    const home = ring(10, 'home', []);
    const added = [...Array.from({ length: 3 }, (_, i) => ring(100 + i, `r${i}`, [])), ...Array.from({ length: LOG_BURST }, (_, i) => k(200 + i, `k${i}`))];
    const entries = logEntriesFor(
      delta(1, { added, linksAdded: added.map((x) => [10, x.id] as [number, number]) }),
      map([home]),
      map([home, ...added]),
      next,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'summary', subject: `3 keyrings and ${LOG_BURST} keys added`, detail: 'in keyring “home” (0000000a)' });

    const many = Array.from({ length: LOG_DETAIL_LIMIT + 1 }, (_, i) => k(1000 + i, `m${i}`));
    const [summary] = logEntriesFor(delta(2, { added: many }), map([]), map(many), next);
    expect(summary).toMatchObject({ kind: 'summary', subject: `${LOG_DETAIL_LIMIT + 1} keys`, detail: `${LOG_DETAIL_LIMIT + 1} keys added` });
  });

  it("marks each line as about this process's keys or not (the scope filter)", () => {
    const mine = k(1, 'mine');
    const theirs = k(2, 'theirs', { orphan: true });
    const entries = logEntriesFor(delta(1, { added: [mine, theirs] }), map([]), map([mine, theirs]), next);
    expect(entries.map((e) => [e.keyId, e.thisProcess])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
