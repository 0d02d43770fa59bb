// The file format at its boundary: what it accepts, the sentence for each way a file is bad, and fuzzed
// files (fast-check) that may be refused only with a FileFormatError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SnapshotDelta } from './api';
import { diffSnapshots } from './delta';
import { FileFormatError, parseSavedFile, recordingDeltaLine, recordingHeaderLine, snapshotFileText } from './snapshotFile';
import { NO_ANCHORS, testKey, testSnapshot } from './testing';

const ring = testKey(0x100, { type: 'keyring', description: '_ses', links: [0x200, 0x300] });
const snap = testSnapshot([ring, testKey(0x200), testKey(0x300, { pins: [{ kind: 'link', from: 0x100 }] })], {
  anchors: { ...NO_ANCHORS, session: 0x100 },
  quotas: [{ uid: 0, name: 'root', usage: 3, nkeys: 3, nikeys: 3, qnkeys: 3, maxkeys: 200, qnbytes: 30, maxbytes: 20000 }],
});

function refusal(text: string): string {
  try {
    parseSavedFile(text);
  } catch (err) {
    expect(err).toBeInstanceOf(FileFormatError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('snapshot files', () => {
  it('reads back what snapshotFileText writes, compact or indented', () => {
    for (const text of [snapshotFileText(snap), snapshotFileText(snap, 2)]) {
      expect(text.startsWith('{')).toBe(true);
      expect(JSON.parse(text).format).toBe(1);
      expect(parseSavedFile(text)).toEqual({ kind: 'snapshot', snapshot: snap });
    }
  });

  it('keeps links to members the file does not list (keys this process may not view)', () => {
    const hidden = testSnapshot([testKey(0x100, { type: 'keyring', links: [0x999] })]);
    expect(parseSavedFile(snapshotFileText(hidden))).toEqual({ kind: 'snapshot', snapshot: hidden });
  });

  it('refuses each kind of bad file with a sentence', () => {
    const withKeys = (keys: unknown[], extra: object = {}) => JSON.stringify({ format: 1, ...snap, keys, ...extra });
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['hello', /not JSON/],
      [snapshotFileText(snap).slice(0, 200), /not valid JSON \(cut off/],
      ['[1,2]', /not a snapshot/],
      [JSON.stringify(snap), /no "format" field/],
      [JSON.stringify({ ...snap, format: 2 }), /format 2, newer than this keyring-browser reads/],
      [JSON.stringify({ ...snap, format: '1' }), /format "1"; this keyring-browser reads format 1/],
      [JSON.stringify({ format: 1, keys: [] }), /not a valid snapshot: takenAt/],
      [withKeys([{ ...ring, id: -5 }]), /keys\.0\.id: a key id must be a positive serial/],
      [withKeys([{ ...ring, id: 1.5 }]), /keys\.0\.id/],
      [withKeys([{ ...ring, id: 2 ** 33 }]), /fit in 31 bits/],
      [withKeys([{ ...ring, links: [0] }]), /keys\.0\.links\.0/],
      [withKeys([ring, ring]), /lists key 00000100 twice/],
      [withKeys([testKey(0x200)]), /session keyring 00000100 is not among its keys/],
      [withKeys([ring, testKey(0x300, { pins: [{ kind: 'link', from: 0x555 }] })]), /pinned by a link from 00000555, which is not among its keys/],
      [withKeys([{ ...ring, flags: 'I' }]), /flags are the 7 characters/],
    ];
    for (const [text, reason] of cases) expect(refusal(text)).toMatch(reason);
  });
});

describe('recordings', () => {
  const next = testSnapshot([...snap.keys.filter((k) => k.id !== 0x300), testKey(0x400)], { ...snap, takenAt: 2000, keys: undefined as never });
  next.keys = [{ ...ring, links: [0x200, 0x400] }, testKey(0x200), testKey(0x400)];
  const delta = diffSnapshots(snap, next, 1)!;
  const recording = recordingHeaderLine(snap) + recordingDeltaLine(delta);

  it('reads a header line and its changes', () => {
    expect(parseSavedFile(recording)).toEqual({ kind: 'recording', start: snap, deltas: [delta], truncated: null });
  });

  it('opens a recording cut off mid-line up to its last whole change, and says so', () => {
    const second: SnapshotDelta = { ...delta, seq: 2, takenAt: 3000 };
    const cut = recording + recordingDeltaLine(second).slice(0, 40);
    const read = parseSavedFile(cut);
    expect(read.kind === 'recording' && read.deltas).toEqual([delta]);
    expect(read.kind === 'recording' && read.truncated).toMatch(/cut-off line \(line 3\)/);
  });

  it('refuses damage before the last line, a bad change, and going back in sequence', () => {
    expect(refusal(recordingHeaderLine(snap) + '{oops\n' + recordingDeltaLine(delta))).toMatch(/line 2 is not valid JSON/);
    expect(refusal(recordingHeaderLine(snap) + '{"seq":1}\n')).toMatch(/line 2 is not a valid change: takenAt/);
    expect(refusal(recording + recordingDeltaLine(delta))).toMatch(/line 3 goes back in sequence/);
    expect(refusal(JSON.stringify({ format: 3, kind: 'recording', snapshot: snap }))).toMatch(/format 3, newer/);
  });
});

describe('fuzzed files', () => {
  const onlySentences = (text: string): void => {
    try {
      parseSavedFile(text);
    } catch (err) {
      if (!(err instanceof FileFormatError)) throw err;
      expect(err.message).not.toMatch(/\n|at .*\.ts:\d+/);
    }
  };

  it('random text and random JSON give only sentences', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), onlySentences), { numRuns: 500 });
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), onlySentences), { numRuns: 500 });
  });

  it('a valid file with a field replaced, removed or cut gives only sentences', () => {
    const base = snapshotFileText(snap);
    const full = recording();
    fc.assert(
      fc.property(fc.nat({ max: base.length }), fc.nat({ max: full.length }), fc.jsonValue({ maxDepth: 2 }), fc.nat(), (cutA, cutB, value, pick) => {
        onlySentences(base.slice(0, cutA));
        onlySentences(full.slice(0, cutB));
        const obj = JSON.parse(base) as Record<string, unknown>;
        const fields = Object.keys(obj);
        obj[fields[pick % fields.length]!] = value;
        onlySentences(JSON.stringify(obj));
        const key = { ...(snap.keys[pick % snap.keys.length] as unknown as Record<string, unknown>) };
        const keyFields = Object.keys(key);
        key[keyFields[pick % keyFields.length]!] = value;
        onlySentences(JSON.stringify({ ...JSON.parse(base), keys: [key] }));
      }),
      { numRuns: 500 },
    );
  });

  function recording(): string {
    const delta: SnapshotDelta = { seq: 1, takenAt: 2000, added: [testKey(0x400)], removed: [0x300], changed: [{ id: 0x200, changes: { usage: 2 } }], linksAdded: [[0x100, 0x400]], linksRemoved: [[0x100, 0x300]] };
    return recordingHeaderLine(snap) + recordingDeltaLine(delta);
  }
});
