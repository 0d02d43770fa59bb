// Snapshot slice: the keys (a map by id, replaced on every change, never mutated; keyMap.ts makes a change
// cost what it changes), the snapshot's other fields, the sequence number, poller status, connection state,
// and the live effects of each delta (change log, highlights, ghosts).
import type { StateCreator } from 'zustand';
import type { DataOrigin, IdentityNames, PollerStatus, SnapshotDelta, VersionedSnapshot } from '../../../shared/api';
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import {
  HIGHLIGHT_MS,
  appendToLog,
  logEntriesFor,
  newsworthyFields,
  type GhostLink,
  type Highlight,
  type LogEntry,
} from './liveEvents';
import type { KbState } from './index';
import { applyDeltaToKeys } from './keyMap';

export type SnapshotMeta = Omit<Snapshot, 'keys'>;
export type Connection = 'connecting' | 'open' | 'error';

/**
 * What `applyDeltas` did. 'resync' means the store cannot follow the stream any more (a gap in seq,
 * or a change for a key it never saw): the caller must fetch a full snapshot.
 */
export type ApplyOutcome = { applied: number; skipped: number; resync: null | string };

/** A moment of a replay as the store held it (replay/replaySeek.ts keeps some, to seek back quickly). */
export type ReplayPoint = Pick<SnapshotSlice, 'keys' | 'meta' | 'seq' | 'log'>;

export interface SnapshotSlice {
  keys: ReadonlyMap<number, KeyInfo>;
  meta: SnapshotMeta | null;
  /** Seq of the snapshot the store holds; -1 before the first one. */
  seq: number;
  status: PollerStatus | null;
  connection: Connection;
  connectionError: string | null;
  identity: IdentityNames | null;
  /** Where the keys come from (getCapabilities): the live kernel, or a saved file; null until known. */
  origin: DataOrigin | null;
  log: readonly LogEntry[];
  highlights: ReadonlyMap<number, Highlight>;
  /** keyring id → members just unlinked from it, drawn fading for a moment. */
  ghosts: ReadonlyMap<number, readonly GhostLink[]>;

  loadSnapshot(v: VersionedSnapshot): void;
  applyDeltas(deltas: readonly SnapshotDelta[], now?: number): ApplyOutcome;
  setStatus(status: PollerStatus): void;
  setConnection(connection: Connection, error?: string | null): void;
  setIdentity(names: IdentityNames): void;
  setOrigin(origin: DataOrigin): void;
  /** Drops highlights and ghosts older than HIGHLIGHT_MS. */
  pruneLive(now?: number): void;
  /** Empties the change log (the person's Clear button); what comes next is logged as usual. */
  clearLog(): void;
  /** Puts back a replay's saved moment: its keys, snapshot fields and log; nothing flashes. */
  restoreReplayPoint(point: ReplayPoint): void;
}

let logCounter = 0;
const nextN = () => ++logCounter;

export const createSnapshotSlice: StateCreator<KbState, [], [], SnapshotSlice> = (set, get) => ({
  keys: new Map(),
  meta: null,
  seq: -1,
  status: null,
  connection: 'connecting',
  connectionError: null,
  identity: null,
  origin: null,
  log: [],
  highlights: new Map(),
  ghosts: new Map(),

  loadSnapshot({ seq, snapshot }) {
    const { keys: list, ...meta } = snapshot;
    // A loop, not new Map(list.map(...)): 40k pairs of garbage would land on the first render's collector.
    const keys = new Map<number, KeyInfo>();
    for (let i = 0; i < list.length; i++) keys.set(list[i]!.id, list[i]!);
    const hadOne = get().seq >= 0;
    set((s) => ({
      keys,
      meta,
      seq,
      connection: 'open',
      connectionError: null,
      log: hadOne
        ? appendToLog(s.log, [{ n: nextN(), at: snapshot.takenAt, kind: 'resync', keyId: null, subject: 'Full snapshot', detail: `${keys.size} keys, seq ${seq}`, thisProcess: true }])
        : s.log,
      // A selection survives a resync when its key still exists.
      selectedId: s.selectedId != null && keys.has(s.selectedId) ? s.selectedId : null,
    }));
  },

  applyDeltas(deltas, now = Date.now()) {
    const s = get();
    let keys = s.keys;
    let meta = s.meta;
    let seq = s.seq;
    let applied = 0;
    let skipped = 0;
    let resync: string | null = null;
    const entries: LogEntry[] = [];
    const highlights = new Map(s.highlights);
    // Copied only when a link goes: new ghosts make the tree walk its rows again.
    let ghosts: Map<number, readonly GhostLink[]> | null = null;
    if (!meta) return { applied: 0, skipped: deltas.length, resync: 'no snapshot yet' };

    for (const d of deltas) {
      if (d.seq <= seq) {
        skipped++; // already applied (a duplicate or a delta the last snapshot already contains)
        continue;
      }
      if (d.seq !== seq + 1) {
        resync = `missed deltas ${seq + 1}..${d.seq - 1}`;
        break;
      }
      const before = keys;
      const result = applyDeltaToKeys(before, d);
      if (result.unknown.length) {
        // A change for a key we never saw means we missed its addition: the map would be wrong, so
        // keep what we have and ask for a full snapshot instead.
        resync = `change for unknown key ${result.unknown[0]}`;
        break;
      }
      keys = result.keys;
      meta = { ...meta, takenAt: d.takenAt, anchors: d.anchors ?? meta.anchors, quotas: d.quotas ?? meta.quotas };
      seq = d.seq;
      applied++;
      entries.push(...logEntriesFor(d, before, keys, nextN));
      for (const k of d.added) highlights.set(k.id, { kind: 'added', at: now });
      // Flash only what the log calls news: not a usage count, a pin or a countdown.
      for (const c of d.changed) {
        if (newsworthyFields(c.changes, before.get(c.id)).length) highlights.set(c.id, { kind: 'changed', at: now });
      }
      for (const [, member] of d.linksAdded) if (!highlights.has(member)) highlights.set(member, { kind: 'added', at: now });
      for (const id of d.removed) highlights.delete(id);
      for (const [ring, member] of d.linksRemoved) {
        const k = before.get(member);
        if (!k || !keys.has(ring)) continue;
        ghosts ??= new Map(s.ghosts);
        ghosts.set(ring, [...(ghosts.get(ring) ?? []).filter((g) => g.key.id !== member), { key: k, until: now + HIGHLIGHT_MS }]);
      }
    }
    if (applied) {
      set((st) => ({
        keys,
        meta,
        seq,
        log: entries.length ? appendToLog(st.log, entries) : st.log,
        highlights,
        ghosts: ghosts ?? st.ghosts,
        selectedId: st.selectedId != null && !keys.has(st.selectedId) ? null : st.selectedId,
      }));
    }
    return { applied, skipped, resync };
  },

  setStatus: (status) => set({ status }),
  setConnection: (connection, error = null) => set({ connection, connectionError: error }),
  setIdentity: (identity) => set({ identity }),
  setOrigin: (origin) => set({ origin }),
  clearLog: () => set({ log: [] }),
  restoreReplayPoint: ({ keys, meta, seq, log }) =>
    set((s) => ({
      keys,
      meta,
      seq,
      log,
      highlights: new Map(),
      ghosts: new Map(),
      selectedId: s.selectedId != null && keys.has(s.selectedId) ? s.selectedId : null,
    })),

  pruneLive(now = Date.now()) {
    const { highlights, ghosts } = get();
    if (!highlights.size && !ghosts.size) return;
    const h = new Map([...highlights].filter(([, v]) => now - v.at < HIGHLIGHT_MS));
    const g = new Map<number, GhostLink[]>();
    let ghostsLeft = true;
    for (const [ring, list] of ghosts) {
      const left = list.filter((x) => x.until > now);
      if (left.length) g.set(ring, left);
      if (left.length < list.length) ghostsLeft = false;
    }
    // A map nothing left keeps its identity: new ghosts (even none) walk the tree's rows again, and with a broad
    // search that is 11k of them, every half HIGHLIGHT_MS while a highlight fades.
    const next = { highlights: h.size === highlights.size ? highlights : h, ghosts: ghostsLeft ? ghosts : g };
    if (next.highlights !== highlights || next.ghosts !== ghosts) set(next);
  },
});

/** A saved file (`keyring-browser open`): nothing is live and nothing can be changed. */
export function isSavedFile(s: Pick<SnapshotSlice, 'origin'>): boolean {
  return s.origin?.kind === 'file';
}
