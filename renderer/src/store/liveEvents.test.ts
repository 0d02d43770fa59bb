// The change log says what is news, in words: no usage counts, pins or countdowns; bursts summed up per
// place and per side of the scope filter; revocation and expiry as their own kinds; each line knows whether it is about this process's keys.
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/snapshot';
import { delta, k, ring } from '../test/keys';
import { appendToLog, LOG_BURST, LOG_DETAIL_LIMIT, LOG_MAX_ENTRIES, logEntriesFor, newsworthyFields, type LogEntry } from './liveEvents';

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

    // Keys linked nowhere are each their own place: past the detail limit they are one line all the same.
    const many = Array.from({ length: LOG_DETAIL_LIMIT + 1 }, (_, i) => k(1000 + i, `m${i}`));
    const entries2 = logEntriesFor(delta(2, { added: many }), map([]), map(many), next);
    expect(entries2).toEqual([expect.objectContaining({ kind: 'summary', subject: `${LOG_DETAIL_LIMIT + 1} keys added`, detail: '' })]);
  });

  it('sums up a burst per place it landed: a key added elsewhere at the same moment keeps its line', () => {
    const home = ring(10, 'home', []);
    const work = ring(11, 'work', []);
    const burst = Array.from({ length: LOG_BURST + 1 }, (_, i) => k(200 + i, `b${i}`));
    const lone = k(300, 'lone');
    const newRing = ring(400, 'new ring', []);
    const inNewRing = Array.from({ length: LOG_BURST }, (_, i) => k(500 + i, `n${i}`));
    const added = [...burst, lone, newRing, ...inNewRing];
    const linksAdded = [
      ...burst.map((x) => [10, x.id] as [number, number]),
      [11, lone.id] as [number, number],
      [10, newRing.id] as [number, number],
      ...inNewRing.map((x) => [newRing.id, x.id] as [number, number]),
    ];
    const entries = logEntriesFor(delta(1, { added, linksAdded }), map([home, work]), map([home, work, ...added]), next);
    expect(entries.map((e) => [e.kind, e.subject, e.detail])).toEqual([
      // The new keyring and its members landed under home too: one burst.
      ['summary', `1 keyring and ${2 * LOG_BURST + 1} keys added`, 'in keyring “home” (0000000a)'],
      ['added', 'user “lone” (0000012c)', 'in keyring “work” (0000000b)'],
    ]);
  });

  it("sums up other processes' bursts apart: a line about this process's key is never folded into them", () => {
    const theirRing = ring(10, 'theirs', [], { orphan: true });
    const burst = Array.from({ length: LOG_DETAIL_LIMIT + 1 }, (_, i) => k(1000 + i, `b${i}`, { orphan: true }));
    const theirOld = Array.from({ length: LOG_DETAIL_LIMIT + 1 }, (_, i) => k(2000 + i, `o${i}`, { orphan: true }));
    const changed = theirOld.map((x) => ({ id: x.id, changes: { perm: 0x3f3f0000 } }));
    const mine = k(5000, 'mine');
    const entries = logEntriesFor(
      delta(1, { added: [...burst, mine], linksAdded: burst.map((x) => [10, x.id] as [number, number]), changed }),
      map([theirRing, ...theirOld]),
      map([theirRing, ...theirOld.map((x) => ({ ...x, perm: 0x3f3f0000 })), ...burst, mine]),
      next,
    );
    expect(entries.map((e) => [e.kind, e.subject, e.thisProcess])).toEqual([
      ['added', 'user “mine” (00001388)', true],
      ['summary', `${LOG_DETAIL_LIMIT + 1} keys added`, false],
      ['summary', `${LOG_DETAIL_LIMIT + 1} keys changed`, false],
    ]);
  });

  it("drops other processes' oldest entries first when the log is full", () => {
    const entry = (i: number, thisProcess: boolean): LogEntry => ({ n: i, at: i, kind: 'added', keyId: i, subject: `k${i}`, detail: '', thisProcess });
    const old = [entry(0, true), ...Array.from({ length: LOG_MAX_ENTRIES - 1 }, (_, i) => entry(i + 1, false))];
    const log = appendToLog(old, [entry(LOG_MAX_ENTRIES, false), entry(LOG_MAX_ENTRIES + 1, false)]);
    expect(log).toHaveLength(LOG_MAX_ENTRIES);
    expect(log.map((e) => e.n).slice(0, 3)).toEqual([0, 3, 4]);
    expect(log.at(-1)!.n).toBe(LOG_MAX_ENTRIES + 1);
    // Only this process's entries left: the oldest go.
    const ours = Array.from({ length: LOG_MAX_ENTRIES }, (_, i) => entry(i, true));
    expect(appendToLog(ours, [entry(LOG_MAX_ENTRIES, true)]).map((e) => e.n)[0]).toBe(1);
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
