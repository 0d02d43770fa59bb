// In-browser measurements for `npm run bench` (only with `?fake=N&bench=1`): time to the first drawn tree,
// one key's change arriving as a delta timed until the frame that shows it is painted, and one programmatic
// search timed until its rows are drawn. The result lands in `window.__kbBench` (BenchResult).
// With `&profile=1` each measured phase is also wrapped in console.profile(name)/console.profileEnd(name), so
// a CDP client (Profiler.consoleProfileFinished) gets one CPU profile per phase and nothing else.
import { useKb } from './store';
import type { KeyFields } from '../../shared/api';
import type { FlatRow, TreeRows } from './tree/flatten';
import { lastSearchIndexBuildMs } from './tree/searchIndex';

type Waiter = (rows: TreeRows) => boolean;
let waiters: Waiter[] = [];

/** Called by the tree after each commit of new rows. */
export function notifyRowsDrawn(rows: TreeRows): void {
  if (waiters.length) waiters = waiters.filter((w) => !w(rows));
}

/** Resolves after the next paint following a commit whose rows satisfy `test`. */
export function waitForRows(test: (rows: TreeRows) => boolean): Promise<TreeRows> {
  return new Promise((resolve) => {
    waiters.push((rows) => {
      if (!test(rows)) return false;
      requestAnimationFrame(() => setTimeout(() => resolve(rows), 0));
      return true;
    });
  });
}

export interface BenchResult {
  firstRenderMs: number;
  /** From the snapshot reaching the store to the paint of every section (a large tree's first render leaves those below its first screen for its next frame). */
  wholeTreeMs: number;
  pageLoadMs: number;
  searchMs: number;
  keyCount: number;
  searchQuery: string;
  /** The rows the tree's list holds after the search (every revealed row), and those of them in the DOM (the ones on screen and a margin). */
  searchRowCount: number;
  searchRowsInDom: number;
  /** Each run of "one keyring's permissions changed": from the delta reaching the page to the painted frame showing it. */
  deltaMs: number[];
  /** The same runs until the change log's line (and the status bar's seq, drawn with it) is painted too: a frame after the row (util/afterPaint.ts). */
  deltaLogMs: number[];
  /** The search index's build (tree/searchIndex.ts: in idle time after the first render, or finished by the search). */
  searchIndexMs: number | null;
}

/** What the bench drives: the search box, and the fake API's deltas (dev/fakeApi.ts). */
export interface BenchHooks {
  search(query: string): void;
  stageKeyChange(id: number, changes: Partial<KeyFields>): () => void;
  profile: boolean;
}

declare global {
  interface Window {
    __kbBench?: BenchResult;
  }
}

const DELTA_RUNS = 9;

/** Runs once after startup in bench mode. */
export async function runBench(keyCount: number, hooks: BenchHooks): Promise<BenchResult> {
  // A mark at each end of each phase (`kb:<phase>:start`, `kb:<phase>:end`): bench/ui.ts finds them in a trace
  // of the page and sums the main thread's CPU time between them.
  const phase = (name: string, on: boolean) => {
    performance.mark(`kb:${name}:${on ? 'start' : 'end'}`);
    if (!hooks.profile) return;
    if (on) console.profile(name);
    else console.profileEnd(name);
  };
  // firstRenderMs: from the snapshot reaching the store to the first paint of its rows (the
  // renderer's own cost); pageLoadMs: from navigation start (includes script load and, in fake
  // mode, generating the keys).
  let snapshotAt = performance.now();
  const unsubscribe = useKb.subscribe((s, prev) => {
    if (s.seq >= 0 && prev.seq < 0) {
      snapshotAt = performance.now();
      phase('first-render', true);
    }
  });
  let wholeAt = 0;
  const whole = waitForRows((rows) => rows.length > 0 && rows.at(rows.length - 1).kind !== 'pending').then(() => (wholeAt = performance.now()));
  const firstRows = await waitForRows((rows) => findRow(rows, (r) => r.kind === 'key') !== undefined);
  unsubscribe();
  const painted = performance.now();
  phase('first-render', false);
  const firstRenderMs = painted - snapshotAt;
  await whole;
  const wholeTreeMs = wholeAt - snapshotAt;

  const { deltaMs, deltaLogMs } = await timeDeltas(firstRows, hooks, phase);

  const searchQuery = 'bench:3';
  phase('search', true);
  const t0 = performance.now();
  const drawn = waitForRows((rows) => rows.matches.rowIndex.length > 0);
  hooks.search(searchQuery);
  const rows = await drawn;
  const searchMs = performance.now() - t0;
  phase('search', false);
  const result: BenchResult = {
    firstRenderMs: Math.round(firstRenderMs),
    wholeTreeMs: Math.round(wholeTreeMs),
    pageLoadMs: Math.round(painted),
    searchMs: Math.round(searchMs),
    keyCount,
    searchQuery,
    searchRowCount: rows.length,
    searchRowsInDom: document.querySelectorAll('[role="treeitem"]').length,
    deltaMs: deltaMs.map((d) => Math.round(d * 10) / 10),
    deltaLogMs: deltaLogMs.map((d) => Math.round(d * 10) / 10),
    searchIndexMs: lastSearchIndexBuildMs(),
  };
  window.__kbBench = result;
  return result;
}

/** A frame of the display at 60 Hz. */
const FRAME_MS = 1000 / 60;

/**
 * A keyring drawn on screen loses and regains its possessor's setattr right, DELTA_RUNS times: each a delta of
 * one changed key through the live path (the store's apply, the tree model, the rows, React), timed from the
 * delta reaching the page until the frame that shows the row's new permission has been painted. The store
 * applies a delta after a quiet spell at once (store/connect.ts), else in the next animation frame; the check
 * queued after the delta runs in the next frame (after the store's, when it applies there) and looks again each
 * frame until the row shows it, and a task queued from there runs once that frame is painted.
 *
 * When a delta arrives within the display's frame decides how long it waits for the next one (0-16.7 ms), so
 * each run's delta arrives at a phase of its own, spread evenly over a frame: the i-th run at (i + 0.5) / N of
 * a frame after a frame's start (rAF's timestamp). A poll's delta reaches the page whenever its scan ends, as
 * likely at one point of the display's frame as at any other. Before this the runs came 60 ms after the task
 * that followed the last painted frame, so every delta arrived at about the same point (in a trace, 0-7 ms after
 * a frame began: 60 ms is 3.6 frames, and the paint and the staging made up the rest) and waited most of a
 * frame whatever the script cost. The delta is staged (the fake API's diff of 40k keys) in an earlier task,
 * as a real one is made in the engine.
 *
 * The change log's line and the status bar's seq follow a frame after the row (util/afterPaint.ts): each run is
 * also timed until they are painted, and the bench prints both.
 */
async function timeDeltas(
  rows: TreeRows,
  hooks: BenchHooks,
  phase: (name: string, on: boolean) => void,
): Promise<{ deltaMs: number[]; deltaLogMs: number[] }> {
  const ring = findRow(rows, (r) => r.kind === 'key' && r.key.type === 'keyring' && r.key.description.startsWith('bench-ring-') && !!permCell(r.key.id));
  if (!ring || ring.kind !== 'key') throw new Error('bench: no generated keyring on screen');
  const id = ring.key.id;
  const base = ring.key.perm;
  const deltaMs: number[] = [];
  const deltaLogMs: number[] = [];
  for (let i = 0; i < DELTA_RUNS; i++) {
    await new Promise((r) => setTimeout(r, 60));
    const before = permCell(id)?.textContent;
    const logBefore = logCount()?.textContent;
    // Possessor's setattr (0x20000000) off, then on again: the row's effective permission letters change.
    const emit = hooks.stageKeyChange(id, { perm: i % 2 === 0 ? base & ~0x20000000 : base });
    await arriveAtPhase((i + 0.5) / DELTA_RUNS);
    phase('one-delta', true);
    phase('one-delta-log', true);
    const t0 = performance.now();
    // Each frame until `changed()`, then a task after that frame's paint.
    const painted = (changed: () => boolean, name: string) =>
      new Promise<number>((resolve) => {
        const check = () => {
          if (!changed()) requestAnimationFrame(check);
          else
            setTimeout(() => {
              phase(name, false);
              resolve(performance.now() - t0);
            }, 0);
        };
        requestAnimationFrame(check);
      });
    emit();
    const [row, log] = await Promise.all([
      painted(() => permCell(id)?.textContent !== before, 'one-delta'),
      painted(() => logCount()?.textContent !== logBefore, 'one-delta-log'),
    ]);
    deltaMs.push(row);
    deltaLogMs.push(log);
  }
  return { deltaMs, deltaLogMs };
}

/** Resolves in a task that starts `fraction` of a frame after a frame's start, two frames on. */
function arriveAtPhase(fraction: number): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame((frameStart) => {
      const due = frameStart + (2 + fraction) * FRAME_MS;
      setTimeout(resolve, Math.max(0, due - performance.now()));
    }),
  );
}

/** The first row that passes `test`, made one at a time from the top (the rows are made when asked for). */
function findRow(rows: TreeRows, test: (row: FlatRow) => boolean): FlatRow | undefined {
  for (let i = 0; i < rows.length; i++) if (test(rows.at(i))) return rows.at(i);
  return undefined;
}

/** The change log's "N events", which each delta's line moves on. */
function logCount(): Element | null {
  return document.querySelector('.changelog .panel-head .muted');
}

function permCell(id: number): Element | null {
  return document.querySelector(`[data-key-id="${id}"] .col-perm`);
}
