// Which rows of a long list of equal-height rows are on screen (plus a margin), so only those are in the DOM.
// Every tree row has the same height, so a row's place is its index times that height: nothing is measured per
// row, and a new list of 11k rows (a broad search) costs nothing here. (@tanstack/react-virtual, used before,
// keeps an array of every row's measurement, rebuilt for each new list: an eighth of a broad search's CPU at 40k
// keys, and it forced a layout to measure the viewport in the first render.) The window follows the scroll
// position and the viewport's height (read once when the list appears, then a ResizeObserver, read after the
// browser's own layout), and re-renders when a scroll moves the range of rows drawn or a resize needs rows that are
// not drawn.
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export interface RowWindow {
  /** The first and last row index to draw (last < first when there are no rows). */
  first: number;
  last: number;
  /** The list's full height in pixels. */
  totalHeight: number;
  /** Scrolls the least that brings row `index` fully into view (nothing when it is). */
  scrollToIndex(index: number): void;
}

/** Before the viewport has been measured (and in DOM-less tests, where it never is): at least a window's height. */
function initialViewportHeight(): number {
  return Math.max(800, typeof window === 'undefined' ? 0 : window.innerHeight);
}

const NONE_DRAWN = { first: 0, last: -1 };

/** The rows to draw for a scroll position and viewport height: those in view and `overscan` more each side. */
export function rowRange(count: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan: number): { first: number; last: number } {
  if (count === 0) return { first: 0, last: -1 };
  const top = Math.min(Math.max(0, Math.floor(scrollTop / rowHeight)), count - 1);
  const bottom = Math.min(count - 1, Math.max(top, Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1));
  return { first: Math.max(0, top - overscan), last: Math.min(count - 1, bottom + overscan) };
}

export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscanWanted: number): RowWindow {
  // Where the list is scrolled and how tall its viewport is, as last seen; a render reads them, and a scroll or
  // resize re-renders only when it moves the range of rows drawn (scrolling within the margin re-renders nothing).
  // Null until the list's element exists: its first render draws no rows (see the layout effect below).
  const viewport = useRef<{ scrollTop: number; height: number; measured: boolean } | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // The margin is drawn once the rows in view have been painted (below): no frame waits for rows off screen.
  const [overscan, setOverscan] = useState(0);
  const { first, last } = viewport.current ? rowRange(count, rowHeight, viewport.current.scrollTop, viewport.current.height, overscan) : NONE_DRAWN;
  const drawn = useRef({ first, last });
  drawn.current = { first, last };

  // The viewport's height, read once the list's element is in the page and before anything is painted: its
  // first render drew no rows, so this layout is the page's without them, which the first frame would do anyway,
  // and the rows drawn next (at once: an update from a layout effect is rendered before the browser paints) are
  // the ones on screen. Guessing the height instead drew the window's height of rows: at 900 px, 47 rows and their
  // DOM, styles, layout and paint in the first frame where 37 are needed. Where nothing has a height (DOM-less
  // tests) the guess stays.
  useLayoutEffect(() => {
    if (viewport.current) return;
    const height = scrollRef.current?.clientHeight ?? 0;
    viewport.current = { scrollTop: 0, height: height > 0 ? height : initialViewportHeight(), measured: height > 0 };
    rerender();
  }, [scrollRef]);

  // The margin after the first paint: a task queued from the next frame's animation callbacks runs once that
  // frame (the rows in view) is painted. A third of the first frame's rows were margin.
  useEffect(() => {
    if (overscan === overscanWanted) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const widen = () => {
      timer = setTimeout(() => setOverscan(overscanWanted), 0);
    };
    const frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(widen) : (widen(), undefined);
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [overscan, overscanWanted]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    const v = viewport.current;
    if (!el || !v) return;
    const moved = (scrollTop: number, height: number): boolean => {
      v.scrollTop = scrollTop;
      v.height = height;
      const now = rowRange(count, rowHeight, scrollTop, height, overscan);
      return now.first !== drawn.current.first || now.last !== drawn.current.last;
    };
    // Rows needed that are not drawn (a taller viewport than guessed); fewer needed than drawn is no reason to
    // draw again: the first measurement (a viewport smaller than the window) then costs no second render.
    const missing = (scrollTop: number, height: number): boolean => {
      v.scrollTop = scrollTop;
      v.height = height;
      const now = rowRange(count, rowHeight, scrollTop, height, overscan);
      return now.first < drawn.current.first || now.last > drawn.current.last;
    };
    // Drawn before the next frame's animation callbacks (as a scrollToIndex's caller expects the row to be there).
    const onScroll = () => {
      if (moved(el.scrollTop, v.height)) flushSync(rerender);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver((entries) => {
            const box = entries[entries.length - 1]?.contentRect;
            if (!box || box.height <= 0) return;
            v.measured = true;
            if (missing(v.scrollTop, box.height)) rerender();
          })
        : null;
    resize?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize?.disconnect();
    };
  }, [scrollRef, count, rowHeight, overscan]);

  // From the scroll position and height last seen (scroll events and the observer keep them), not read from the
  // element: right after a commit that would force a layout of the new rows before the browser's own.
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      const v = viewport.current;
      if (!el || !v || index < 0 || index >= count) return;
      const top = index * rowHeight;
      const height = v.measured ? v.height : el.clientHeight || v.height;
      let to: number | null = null;
      if (top < v.scrollTop) to = top;
      else if (top + rowHeight > v.scrollTop + height) to = top + rowHeight - height;
      if (to === null) return;
      v.scrollTop = to;
      el.scrollTop = to;
    },
    [scrollRef, count, rowHeight],
  );

  return { first, last, totalHeight: count * rowHeight, scrollToIndex };
}
