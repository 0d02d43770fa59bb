// Which rows of a long list of equal-height rows are on screen (plus a margin), so only those are in the DOM.
// Every tree row has the same height, so a row's place is its index times that height: nothing is measured per
// row, and a new list of 11k rows (a broad search) costs nothing here. (@tanstack/react-virtual, used before,
// keeps an array of every row's measurement, rebuilt for each new list: an eighth of a broad search's CPU at 40k
// keys, and it forced a layout to measure the viewport in the first render.) The window follows the scroll
// position and the viewport's height (a ResizeObserver, read after the browser's own layout: nothing here forces
// one), and re-renders when a scroll moves the range of rows drawn or a resize needs rows that are not drawn.
import { useCallback, useLayoutEffect, useReducer, useRef, type RefObject } from 'react';
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

/** The rows to draw for a scroll position and viewport height: those in view and `overscan` more each side. */
export function rowRange(count: number, rowHeight: number, scrollTop: number, viewportHeight: number, overscan: number): { first: number; last: number } {
  if (count === 0) return { first: 0, last: -1 };
  const top = Math.min(Math.max(0, Math.floor(scrollTop / rowHeight)), count - 1);
  const bottom = Math.min(count - 1, Math.max(top, Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1));
  return { first: Math.max(0, top - overscan), last: Math.min(count - 1, bottom + overscan) };
}

export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number): RowWindow {
  // Where the list is scrolled and how tall its viewport is, as last seen; a render reads them, and a scroll or
  // resize re-renders only when it moves the range of rows drawn (scrolling within the margin re-renders nothing).
  const viewport = useRef<{ scrollTop: number; height: number; measured: boolean } | null>(null);
  viewport.current ??= { scrollTop: 0, height: initialViewportHeight(), measured: false };
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const { first, last } = rowRange(count, rowHeight, viewport.current.scrollTop, viewport.current.height, overscan);
  const drawn = useRef({ first, last });
  drawn.current = { first, last };

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
