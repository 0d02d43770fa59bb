// `serve --record`: a recording made from the live service while real keys change replays to what a fresh
// snapshot shows; a recording cut off mid-line opens up to its last whole change; a newer format, a file
// that exists, and fuzzed recordings are refused with one sentence (exit 2), never a stack trace.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SnapshotDelta } from '../../shared/api';
import { applyDelta } from '../../shared/delta';
import { compareSnapshots } from '../../shared/snapshotDiff';
import { FileFormatError, parseSavedFile, recordingHeaderLine } from '../../shared/snapshotFile';
import type { Snapshot } from '../../shared/snapshot';
import { NO_ANCHORS, testKey, testSnapshot } from '../../shared/testing';
import { main } from '../cli/main';
import { freshSession, keyctlCli } from '../keyring/test/kernelHelpers';
import { KeyringService } from '../service/keyringService';
import { createWorkerSnapshotSource } from '../threads/scanThread';
import { fileServiceOptions } from './fileService';
import { readSavedFile } from './readSavedFile';
import { openRecordingFile, recordService, RecordingWriter } from './recorder';

const dir = mkdtempSync(join(tmpdir(), 'kb-record-'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

/** The part of a snapshot that hangs off `session`: as root this process also sees other test processes' keys. */
function ownPart(s: Snapshot, session: number): Snapshot {
  const byId = new Map(s.keys.map((k) => [k.id, k]));
  const mine = new Set<number>();
  const visit = (id: number): void => {
    if (mine.has(id) || !byId.has(id)) return;
    mine.add(id);
    for (const m of byId.get(id)!.links ?? []) visit(m);
  };
  visit(session);
  const keys = s.keys.filter((k) => mine.has(k.id)).map((k) => ({ ...k, pins: k.pins?.filter((p) => p.kind !== 'link' || mine.has(p.from)) }));
  return { ...s, keys, anchors: { ...NO_ANCHORS, session }, quotas: [] };
}

/**
 * Resolves once `holds` is true of the service's snapshot: looked at now and after each poll that changed something
 * (its delta event), never by a clock. Bounded (a poll of every key root sees takes seconds at load 20).
 */
function until(service: KeyringService, holds: (s: Snapshot) => boolean, what: string, ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (err) reject(err);
      else resolve();
    };
    const look = (): void =>
      void service.getSnapshot().then(
        ({ snapshot }) => holds(snapshot) && finish(),
        (err: Error) => finish(err),
      );
    const timer = setTimeout(() => finish(new Error(`${what} did not show within ${ms / 1000} s`)), ms);
    const unsubscribe = service.subscribe((event) => event.type !== 'status' && look());
    look();
  });
}

const delta = (seq: number, fields: Partial<SnapshotDelta> = {}): SnapshotDelta => ({ seq, takenAt: 1000 + seq * 1000, added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [], ...fields });

describe('RecordingWriter', () => {
  it('writes the snapshot once, then deltas only; holds early deltas and drops those the snapshot already has', () => {
    const lines: string[] = [];
    const writer = new RecordingWriter((text) => lines.push(text));
    writer.append(delta(3));
    writer.append(delta(4, { removed: [0x10] }));
    writer.start({ seq: 3, snapshot: testSnapshot([testKey(0x10)]) });
    writer.append(delta(5, { added: [testKey(0x20)] }));
    expect(lines).toHaveLength(3);
    const read = parseSavedFile(lines.join(''));
    expect(read.kind === 'recording' && read.deltas.map((d) => d.seq)).toEqual([4, 5]);
    expect(() => writer.start({ seq: 9, snapshot: testSnapshot([]) })).toThrow();
  });
});

describe('serve --record with real keys', () => {
  it('records every change as it happens and replays to the same final state as a fresh snapshot', async () => {
    const session = freshSession();
    const revokeMe = keyctlCli('add', 'user', 'rec-revokeMe', 'r', '@s');
    const permMe = keyctlCli('add', 'user', 'rec-permMe', 'p', '@s');
    const ring = keyctlCli('newring', 'rec-ring', '@s');
    const unlinkMe = keyctlCli('add', 'user', 'rec-unlinkMe', 'u', ring);
    const service = new KeyringService({ source: createWorkerSnapshotSource(), intervalMs: 100 }).start();
    const path = join(dir, 'live.jsonl');
    const recording = await recordService(service, openRecordingFile(path), (line) => {
      throw new Error(line);
    });
    try {
      const byDescription = (s: Snapshot, d: string) => s.keys.find((k) => k.description === d);

      const added = Number(keyctlCli('add', 'user', 'rec-added', 'a', '@s'));
      await until(service, (s) => s.keys.some((k) => k.id === added), 'the added key');
      keyctlCli('revoke', revokeMe);
      keyctlCli('setperm', permMe, '0x3f3f0000');
      keyctlCli('timeout', String(added), '600');
      await until(service, (s) => byDescription(s, 'rec-added')?.expiry !== null, 'the timeout');
      keyctlCli('unlink', unlinkMe, ring);
      const later = Number(keyctlCli('add', 'logon', 'rec:later', 'l', ring));
      await until(service, (s) => s.keys.some((k) => k.id === later) && !s.keys.some((k) => k.id === Number(unlinkMe)), 'the last changes');
      await new Promise((r) => setTimeout(r, 400));
      const fresh = await run(['snapshot', '--json']);
      expect(fresh.code).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      recording.stop();

      const file = readSavedFile(path);
      if (file.kind !== 'recording') throw new Error('not a recording');
      expect(file.truncated).toBeNull();
      expect(file.deltas.length).toBeGreaterThanOrEqual(3);
      // Every change is a delta with its time, never a repeated snapshot; idle polls wrote nothing of ours.
      const text = readFileSync(path, 'utf8');
      expect(text.split('\n').filter(Boolean).slice(1).every((l) => !l.includes('"kind":"recording"'))).toBe(true);
      for (const d of file.deltas) expect(d.takenAt).toBeGreaterThanOrEqual(file.start.takenAt);

      const replayed = ownPart(file.deltas.reduce(applyDelta, file.start), session);
      const now = ownPart(JSON.parse(fresh.out) as Snapshot, session);
      expect(compareSnapshots(replayed, now)).toEqual([]);
      expect(replayed.keys.map((k) => k.id)).toEqual(now.keys.map((k) => k.id));
      expect(replayed.keys.some((k) => k.id === later)).toBe(true);
      expect(ownPart(file.start, session).keys.some((k) => k.id === added)).toBe(false);
    } finally {
      recording.stop();
      await service.close();
    }
  }, 240_000); // polls of every key root sees: 38 s with a fifth of a core (load ~10 on 2 cores), more at load 20
});

describe('serve --record and open refuse with a sentence and exit 2', () => {
  it('a file that exists already, a missing directory', async () => {
    const exists = join(dir, 'exists.jsonl');
    writeFileSync(exists, 'keep me');
    for (const [path, reason] of [
      [exists, /exists\.jsonl: cannot create it: it exists already/],
      [join(dir, 'nodir', 'r.jsonl'), /r\.jsonl: cannot create it: no such directory/],
    ] as const) {
      const r = await run(['serve', '--port', '0', '--record', path]);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(reason);
    }
    expect(readFileSync(exists, 'utf8')).toBe('keep me');
  });

  it('a recording in a newer format', async () => {
    const path = join(dir, 'newer.jsonl');
    writeFileSync(path, JSON.stringify({ format: 2, kind: 'recording', snapshot: testSnapshot([]) }) + '\n');
    const r = await run(['open', path, '--port', '0']);
    expect(r).toEqual({ code: 2, out: '', err: `keyring-browser: ${path}: the recording is in format 2, newer than this keyring-browser reads (format 1): use a newer keyring-browser\n` });
  });

  it('a recording cut off mid-line opens up to its last whole change, and says so', () => {
    const lines: string[] = [];
    const writer = new RecordingWriter((text) => lines.push(text));
    writer.start({ seq: 0, snapshot: testSnapshot([testKey(0x10)]) });
    writer.append(delta(1, { added: [testKey(0x20)] }));
    writer.append(delta(2, { removed: [0x10] }));
    const whole = lines.join('');
    for (let cut = lines[0]!.length + lines[1]!.length + 1; cut < whole.length - 1; cut++) {
      const path = join(dir, 'cut.jsonl');
      writeFileSync(path, whole.slice(0, cut));
      const file = readSavedFile(path);
      if (file.kind !== 'recording') throw new Error('not a recording');
      expect(file.deltas.map((d) => d.seq)).toEqual([1]);
      expect(fileServiceOptions(path, file).origin).toMatchObject({ kind: 'file', recording: true, truncated: expect.stringMatching(/cut-off line \(line 3\): showing it up to its last whole change/) });
    }
  });
});

describe('fuzzed recordings give only sentences, and whatever opens replays', () => {
  const lines: string[] = [];
  const writer = new RecordingWriter((text) => lines.push(text));
  writer.start({ seq: 0, snapshot: testSnapshot([testKey(0x10, { type: 'keyring', links: [0x20] }), testKey(0x20)], { anchors: { ...NO_ANCHORS, session: 0x10 } }) });
  writer.append(delta(1, { added: [testKey(0x30)], changed: [{ id: 0x10, changes: { links: [0x20, 0x30] } }], linksAdded: [[0x10, 0x30]] }));
  writer.append(delta(2, { removed: [0x20], changed: [{ id: 0x10, changes: { links: [0x30] } }], linksRemoved: [[0x10, 0x20]] }));
  writer.append(delta(3, { changed: [{ id: 0x30, changes: { flags: 'IR-Q---', timeout: 'expd' } }], quotas: [] }));
  const good = lines.join('');

  const opens = (text: string): void => {
    let file;
    try {
      file = parseSavedFile(text);
    } catch (err) {
      if (!(err instanceof FileFormatError)) throw err;
      expect(err.message).not.toMatch(/\n|at .*\.ts:\d+/);
      return;
    }
    // What opens must replay to the end without throwing (the slider walks every change).
    if (file.kind === 'recording') file.deltas.reduce(applyDelta, file.start);
  };

  it('lines dropped, repeated, swapped, cut or replaced; bytes flipped', () => {
    const lineArb = fc.oneof(fc.constantFrom(...lines), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 }), fc.constant(recordingHeaderLine(testSnapshot([]))));
    fc.assert(
      fc.property(fc.array(fc.tuple(lineArb, fc.boolean()), { maxLength: 8 }), fc.nat(), fc.nat({ max: 255 }), (picked, at, byte) => {
        const text = picked.map(([l, newline]) => l.replace(/\n$/, '') + (newline ? '\n' : '')).join('');
        opens(text);
        const flipped = Buffer.from(good);
        flipped[at % flipped.length] = byte;
        opens(flipped.toString('utf8'));
        opens(good.slice(0, at % good.length));
      }),
      { numRuns: 500 },
    );
  });

  it('a whole recording opens through `diff`, replayed, with exit 0 against itself', async () => {
    const path = join(dir, 'good.jsonl');
    writeFileSync(path, good);
    expect(await run(['diff', path, path])).toEqual({ code: 0, out: 'No differences.\n', err: '' });
  });
});

