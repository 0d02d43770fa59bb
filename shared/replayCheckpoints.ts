// Seeking in a recording (`keyring-browser open FILE.jsonl`). A recording is a first snapshot and the
// changes after it, so the state at any point is the start with every change up to it applied. Going
// forward applies only the changes in between; going back would mean starting again from the first
// snapshot and applying everything up to the target, which on a long recording of a big tree is slow
// (each change applied copies the key map). So the state is saved every `every` changes as the replay
// passes them (a checkpoint), and a backward seek restarts from the nearest checkpoint at or before the
// target. States are immutable snapshots of whatever the caller keeps (the renderer's store holds Maps it
// replaces, never mutates), so a checkpoint costs one reference per key, not a copy of the keys.
// Pure: nothing here imports Node, Electron or the DOM.

/** The fewest changes between two checkpoints: closer, the states kept cost more than the replay saves. */
export const MIN_CHECKPOINT_EVERY = 10;
/** At most this many checkpoints per recording, so memory stays bounded on a very long one. */
export const MAX_CHECKPOINTS = 64;
/** At most this many keys held by all checkpoints together (a map entry each, some tens of bytes). */
export const MAX_CHECKPOINT_KEYS = 2_000_000;

/** Changes between checkpoints for a recording of `total` changes over about `keys` keys. */
export function checkpointInterval(total: number, keys = 0): number {
  const points = Math.max(1, Math.min(MAX_CHECKPOINTS, Math.floor(MAX_CHECKPOINT_KEYS / Math.max(1, keys))));
  return Math.max(MIN_CHECKPOINT_EVERY, Math.ceil(total / points));
}

/** The replay's side of a seek: where it is, and how to move it. */
export interface ReplayCursor<State> {
  /** How many changes have been applied (the position on the slider); negative before the start is loaded. */
  position(): number;
  /** Goes back to a saved state, or to the first snapshot when `state` is null. */
  restore(state: State | null): void;
  /**
   * Applies changes [from, to) in order. `rewound` says the cursor was just restored to go back: the
   * changes are history being rebuilt, not news. Returns why a change cannot be applied, else null.
   */
  apply(from: number, to: number, rewound: boolean): string | null;
  /** The current state, to keep as a checkpoint. */
  capture(): State;
}

export class ReplayCheckpoints<State> {
  private readonly saved = new Map<number, State>();

  /**
   * `total`: the recording's changes; `every`: changes between checkpoints (Infinity keeps none: every
   * backward seek replays from the start).
   */
  constructor(
    readonly total: number,
    readonly every: number = checkpointInterval(total),
  ) {}

  /** How many states are kept. */
  get size(): number {
    return this.saved.size;
  }

  /**
   * Moves `cursor` to after `target` changes (clamped to the recording). Forward applies the changes in
   * between; backward restores the nearest checkpoint at or before the target and applies from there.
   * Checkpoints passed on the way are saved. Returns why a change cannot be applied (a damaged recording).
   */
  seek(cursor: ReplayCursor<State>, target: number): string | null {
    const to = Math.max(0, Math.min(this.total, Math.trunc(target)));
    let from = cursor.position();
    if (to === from) return null;
    const rewound = from < 0 || to < from;
    if (rewound) {
      const point = this.nearest(to);
      cursor.restore(point.state);
      from = point.step;
    }
    for (let a = from; a < to; ) {
      const b = Math.min(to, this.nextCheckpointAfter(a));
      const why = cursor.apply(a, b, rewound);
      if (why !== null) return why;
      if (b % this.every === 0 && !this.saved.has(b)) this.saved.set(b, cursor.capture());
      a = b;
    }
    return null;
  }

  /** The latest saved step at or before `step` (the start, step 0 with no state, when none is). */
  private nearest(step: number): { step: number; state: State | null } {
    if (!Number.isFinite(this.every)) return { step: 0, state: null };
    for (let s = Math.floor(step / this.every) * this.every; s > 0; s -= this.every) {
      const state = this.saved.get(s);
      if (state !== undefined) return { step: s, state };
    }
    return { step: 0, state: null };
  }

  private nextCheckpointAfter(step: number): number {
    return Number.isFinite(this.every) ? (Math.floor(step / this.every) + 1) * this.every : Infinity;
  }
}
