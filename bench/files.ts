// Saved files' figures (#14): the size of an hour's recording (`serve --record`), the time `open`
// takes to read a 40k-key snapshot file, and a replay's backward seek with and without checkpoints. Synthetic keys, no kernel: the hour is simulated through the
// recorder's own writer (RecordingWriter) rather than waited for, one delta per change as the service
// pushes them (a poll that changes nothing pushes, and writes, nothing).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SnapshotDelta } from '../shared/api';
import { applyDeltaToMap } from '../shared/delta';
import { checkpointInterval, ReplayCheckpoints, type ReplayCursor } from '../shared/replayCheckpoints';
import { snapshotFileText } from '../shared/snapshotFile';
import type { KeyInfo, QuotaInfo, Snapshot } from '../shared/snapshot';
import { NO_ANCHORS, testKey, testSnapshot } from '../shared/testing';
import { fileServiceOptions } from '../electron/files/fileService';
import { readSavedFile } from '../electron/files/readSavedFile';
import { RecordingWriter } from '../electron/files/recorder';
import { median, ms, printTable, type BenchRow } from './table';

const SESSION = 0x100;

/** `keyrings` keyrings of `perRing` user keys under one session keyring, ids ascending as scans give them. */
function syntheticSnapshot(keyrings: number, perRing: number): Snapshot {
  const keys: KeyInfo[] = [];
  const ringIds: number[] = [];
  let id = SESSION + 1;
  for (let r = 0; r < keyrings; r++) {
    const ring = id++;
    ringIds.push(ring);
    const members: number[] = [];
    for (let k = 0; k < perRing; k++) members.push(id++);
    keys.push(testKey(ring, { type: 'keyring', description: `bench-ring-${r}`, links: members, pins: [{ kind: 'link', from: SESSION }] }));
    for (const m of members) keys.push(testKey(m, { description: `bench-key-${r}-${m}`, usage: 1, pins: [{ kind: 'link', from: ring }] }));
  }
  keys.unshift(testKey(SESSION, { type: 'keyring', description: '_ses', links: ringIds }));
  return testSnapshot(keys, { anchors: { ...NO_ANCHORS, session: SESSION }, quotas: [quota(keys.length)] });
}

function quota(nkeys: number): QuotaInfo {
  return { uid: 0, name: 'root', usage: nkeys, nkeys, nikeys: nkeys, qnkeys: 0, maxkeys: 1_000_000, qnbytes: 0, maxbytes: 25_000_000 };
}

/** An hour at 1 Hz over 10k keys with 10 changes a minute: a key added, changed, revoked, removed in turn. */
function hourRecording(): { start: Snapshot; deltas: SnapshotDelta[] } {
  const start = syntheticSnapshot(100, 100);
  const deltas: SnapshotDelta[] = [];
  const ring = start.keys[1]!;
  let nkeys = start.keys.length;
  let next = 0x7000_0000;
  let seq = 0;
  for (let second = 1; second <= 3600; second++) {
    if (second % 6 !== 0) continue; // polls that change nothing push nothing
    const takenAt = 1_800_000_000_000 + second * 1000;
    const step = (second / 6) % 4;
    const d: SnapshotDelta = { seq: ++seq, takenAt, added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] };
    if (step === 1) {
      const k = testKey(++next, { description: `bench-new-${next}`, pins: [{ kind: 'link', from: ring.id }] });
      d.added.push(k);
      d.linksAdded.push([ring.id, k.id]);
      d.changed.push({ id: ring.id, changes: { links: [...(ring.links ?? []), k.id] } });
      d.quotas = [quota(++nkeys)];
    } else if (step === 2) d.changed.push({ id: next, changes: { perm: 0x3f3f0000 } });
    else if (step === 3) d.changed.push({ id: next, changes: { flags: 'IR-Q---', timeout: 'expd', doomed: { reason: 'revoked', collectAfter: null } } });
    else {
      d.removed.push(next);
      d.linksRemoved.push([ring.id, next]);
      d.changed.push({ id: ring.id, changes: { links: ring.links ?? [] } });
      d.quotas = [quota(--nkeys)];
    }
    deltas.push(d);
  }
  return { start, deltas };
}

/** The hour's recording written through the recorder's own writer: its size in bytes. */
function recordingBytes(hour: { start: Snapshot; deltas: SnapshotDelta[] }): { bytes: number; deltas: number } {
  let bytes = 0;
  const writer = new RecordingWriter((text) => void (bytes += Buffer.byteLength(text)));
  writer.start({ seq: 0, snapshot: hour.start });
  for (const d of hour.deltas) writer.append(d);
  return { bytes, deltas: hour.deltas.length };
}

/**
 * A replay's backward seek over the hour: from its end to one change before it, with the renderer's
 * checkpoints (shared/replayCheckpoints.ts) and without (every seek back replays from the start). The
 * state is the key map, and a change is applied as the renderer's store applies it (applyDeltaToMap:
 * one new Map per change); the store's change log and highlights come on top in the page.
 */
function seekBackCost(hour: { start: Snapshot; deltas: SnapshotDelta[] }, every: number): number {
  const startMap = new Map(hour.start.keys.map((k) => [k.id, k]));
  let state: { step: number; keys: ReadonlyMap<number, KeyInfo> } = { step: -1, keys: startMap };
  const cursor: ReplayCursor<typeof state> = {
    position: () => state.step,
    restore: (saved) => void (state = saved ?? { step: 0, keys: startMap }),
    apply(from, to) {
      let keys = state.keys;
      for (let i = from; i < to; i++) keys = applyDeltaToMap(keys, hour.deltas[i]!).keys;
      state = { step: to, keys };
      return null;
    },
    capture: () => state,
  };
  const total = hour.deltas.length;
  const points = new ReplayCheckpoints<typeof state>(total, every);
  points.seek(cursor, total); // played through once: the checkpoints are kept on the way
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    points.seek(cursor, total - 1);
    runs.push(performance.now() - t0);
    points.seek(cursor, total);
  }
  return median(runs);
}

/** Reading, validating and serving a 40k-key snapshot file (what `open` does before it listens). */
function openCost(): number {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-files-'));
  try {
    const path = join(dir, '40k.json');
    writeFileSync(path, snapshotFileText(syntheticSnapshot(400, 100)));
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      fileServiceOptions(path, readSavedFile(path));
      runs.push(performance.now() - t0);
    }
    return median(runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function runFilesBench(out: (s: string) => void): void {
  const hour = hourRecording();
  const rec = recordingBytes(hour);
  const open = openCost();
  const fromStart = seekBackCost(hour, Infinity);
  const every = checkpointInterval(hour.deltas.length, hour.start.keys.length);
  const fromCheckpoint = seekBackCost(hour, every);
  const rows: BenchRow[] = [
    {
      name: 'serve --record: 1 h of 1 Hz polls, 10k keys, 10 changes/min',
      values: { figure: `${(rec.bytes / 1e6).toFixed(2)} MB`, goal: '< 5 MB' },
      note: `simulated: ${rec.deltas} deltas through RecordingWriter, not an hour waited`,
    },
    { name: 'open FILE: read + validate a 40k-key snapshot (median of 5)', values: { figure: ms(open), goal: '< 1 s' }, note: 'wall time, shared machine' },
    {
      name: `replay: seek back 1 change at the end of the hour, from the start`,
      values: { figure: ms(fromStart), goal: '' },
      note: `${rec.deltas} changes replayed over 10k keys (median of 5, wall time)`,
    },
    {
      name: `replay: the same seek from the nearest checkpoint (every ${every})`,
      values: { figure: ms(fromCheckpoint), goal: `≪ from the start` },
      note: `${fromStart / fromCheckpoint >= 10 ? Math.round(fromStart / fromCheckpoint) : (fromStart / fromCheckpoint).toFixed(1)}× faster`,
    },
  ];
  printTable('Saved files (#14)', ['figure', 'goal'], rows, out);
}
