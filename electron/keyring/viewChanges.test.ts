import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../shared/snapshot';
import { procKeysChanges } from './procKeysChanges';
import { agreeingViewChanges, recordsBySerial, type ChangedView } from './viewChanges';

const rec = (id: number, usage: number, perm = '3f3f0b00', description = `key ${id}`) =>
  `${id.toString(16).padStart(8, '0')} I--Q---     ${usage} perm ${perm}     0  1000 user      ${description}: 1\n`;
const READER = ['process', 'uid 0'];
const key = (id: number, seenBy: string[]) => ({ id, seenBy }) as unknown as KeyInfo;
const prevOf = (keys: KeyInfo[]) => (id: number) => keys.find((k) => k.id === id);
/** A view read as `before` then `now` (bytes one per character), compared as the user-view thread compares them. */
const view = (label: string, before: string, now: string, members: [number, number[] | string][] = [], membersNow = members): ChangedView => ({
  label,
  changes: procKeysChanges(Buffer.from(before, 'latin1'), Buffer.from(now, 'latin1')),
  membersBefore: members,
  membersNow,
  readAt: 5,
});
const NONE = new Set<number>();

describe('agreeingViewChanges', () => {
  it('agrees where each view listing a changed key, the reader included, lists the same new record', () => {
    const prev = prevOf([key(1, ['process', 'uid 1000']), key(2, ['uid 1000', 'uid 1001']), key(3, ['uid 1000'])]);
    const before = rec(1, 1) + rec(2, 1) + rec(3, 1);
    const a = view('uid 1000', before, rec(1, 2) + rec(2, 2) + rec(3, 1));
    const b = view('uid 1001', rec(2, 1), rec(2, 2));
    expect(agreeingViewChanges([a, b], rec(1, 2), READER, prev, NONE)).toEqual({ agreed: new Set([1, 2]), viewOnly: [{ text: rec(2, 2), readAt: 5 }] });
  });

  it('refuses where a view that lists the key did not change it alike, or the reader did not', () => {
    const prev = prevOf([key(1, ['process', 'uid 1000']), key(2, ['uid 1000', 'uid 1001'])]);
    const a = view('uid 1000', rec(1, 1) + rec(2, 1), rec(1, 2) + rec(2, 2));
    expect(agreeingViewChanges([a], rec(1, 2), READER, prev, NONE)).toMatch(/key 2 changed in one view and not alike/);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), rec(1, 2))], '', READER, prev, NONE)).toMatch(/key 1 changed in one view/);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), rec(1, 2))], rec(1, 3), READER, prev, NONE)).toMatch(/key 1 changed in one view/);
    const b = view('uid 1001', rec(2, 1), rec(2, 3));
    expect(agreeingViewChanges([view('uid 1000', rec(2, 1), rec(2, 2)), b], '', READER, prev, NONE)).toMatch(/two views list key 2 differently/);
  });

  it('refuses a key that came into or left a view, changed member lists, and what it cannot compare', () => {
    const prev = prevOf([key(1, ['uid 1000']), key(4, ['uid 1001'])]);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), rec(1, 1) + rec(4, 1))], '', READER, prev, NONE)).toMatch(/appeared in the view of uid 1000/);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), '')], '', READER, prev, NONE)).toMatch(/left the view/);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), rec(1, 1), [[1, [2]]], [[1, [3]]])], '', READER, prev, NONE)).toMatch(/member lists/);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), 'not a record\n')], '', READER, prev, NONE)).toMatch(/could not be told/);
    // The reader lists a key that was only a view's: it came into this process's view.
    const onlyA = prevOf([key(1, ['uid 1000'])]);
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1), rec(1, 2))], rec(1, 2), READER, onlyA, NONE)).toMatch(/came into this process's view/);
  });

  it("leaves the records of hidden keyrings aside (the user-view thread's own session keyring)", () => {
    const prev = prevOf([key(1, ['uid 1000'])]);
    const changes = agreeingViewChanges([view('uid 1000', rec(1, 1) + rec(9, 1), rec(1, 2) + rec(9, 2))], '', READER, prev, new Set([9]));
    expect(changes).toEqual({ agreed: new Set([1]), viewOnly: [{ text: rec(1, 2), readAt: 5 }] });
    expect(agreeingViewChanges([view('uid 1000', rec(1, 1) + rec(9, 1), rec(1, 1))], '', READER, prev, new Set([9]))).toEqual({ agreed: new Set(), viewOnly: [] });
  });

  it('decodes non-ASCII descriptions from the view bytes before comparing them with the reader', () => {
    const prev = prevOf([key(1, ['process', 'uid 1000'])]);
    const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const changes = agreeingViewChanges([view('uid 1000', latin1(rec(1, 1, '3f3f0b00', 'clé')), latin1(rec(1, 2, '3f3f0b00', 'clé')))], rec(1, 2, '3f3f0b00', 'clé'), READER, prev, NONE);
    expect(changes).toEqual({ agreed: new Set([1]), viewOnly: [] });
  });
});

describe('recordsBySerial', () => {
  it('keeps a description holding a line break with its record, and refuses a continuation before any record', () => {
    const broken = rec(1, 1, '3f3f0b00', 'two\nlines');
    expect(recordsBySerial(broken + rec(2, 1))).toEqual(new Map([[1, broken], [2, rec(2, 1)]]));
    expect(recordsBySerial('lines: 1\n' + rec(2, 1))).toBeNull();
    expect(recordsBySerial('')).toEqual(new Map());
  });
});
