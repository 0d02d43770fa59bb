// What can wait a frame. A delta changes a key's row and also adds a line to the change log and moves the status
// bar's "as of · seq": drawn in one frame, the log's line and the bar's text doubled that frame's style, layout and
// paint (≈ 2 ms of ≈ 4.5 at 40k keys, in chromium traces: the log's lines all move down and the page lays out from
// its root), so the row the person is looking at waited for them. The log and the bar show what they show one frame
// later instead: after the frame with the rows in it has been painted, in a task of their own.
import { useEffect, useState } from 'react';

/**
 * Whether the page draws frames, so requestAnimationFrame's callbacks will run: not in a hidden page (where they
 * stop until it is shown again) nor where there is no requestAnimationFrame (a test's DOM).
 */
export function framesDrawn(): boolean {
  return typeof requestAnimationFrame === 'function' && typeof document !== 'undefined' && !document.hidden;
}

const waiting = new Set<() => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const now = [...waiting];
  waiting.clear();
  for (const cb of now) cb();
}

/**
 * Calls `cb` once the page's next frame has been painted (from that frame's animation callbacks, a task queued
 * then runs after its paint); at once, in a task, where no frames are drawn (a hidden page, a test without
 * requestAnimationFrame). Every callback asked for before then runs in the same task. Returns a cancel.
 */
export function afterNextPaint(cb: () => void): () => void {
  waiting.add(cb);
  if (!scheduled) {
    scheduled = true;
    if (framesDrawn()) requestAnimationFrame(() => setTimeout(flush, 0));
    else setTimeout(flush, 0);
  }
  return () => waiting.delete(cb);
}

/**
 * `value` as it was, until the frame that draws the rest of the update that changed it has been painted. A value
 * that changes again meanwhile (a burst of deltas) joins the wait already running, rather than starting it again,
 * so it is never more than a frame behind.
 */
export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return afterNextPaint(() => setShown(() => value));
  }, [value, shown]);
  return shown;
}
