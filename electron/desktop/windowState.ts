// The window opens where it was closed: its size, position and whether it was maximized, kept in the
// app's user data folder. A missing or damaged file (or one from a much larger screen) is ignored: the
// window opens at its default size, never at a size no screen holds. A position on a monitor that is no
// longer there (placeOnScreens) gives way to the default size, centred on the primary screen.
import { readFileSync, writeFileSync } from 'node:fs';

export interface WindowState {
  width: number;
  height: number;
  /** Absent: let the window manager place it. */
  x?: number;
  y?: number;
  maximized: boolean;
}

/** Smaller than this, the toolbar no longer fits; larger, it is not a size any screen had. */
const MIN = { width: 640, height: 400 };
const MAX = 16_384;

export function readWindowState(path: string): WindowState | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const size = (n: unknown, min: number) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX;
  const place = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= MAX;
  if (!size(v.width, MIN.width) || !size(v.height, MIN.height)) return null;
  const state: WindowState = { width: v.width as number, height: v.height as number, maximized: v.maximized === true };
  if (place(v.x) && place(v.y)) Object.assign(state, { x: v.x, y: v.y });
  return state;
}

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The window's size when nothing is remembered (or what is remembered is on no screen). */
export const DEFAULT_SIZE = { width: 1400, height: 900 };

/**
 * How much of the window must lie inside one screen's work area for the remembered position to stand: a
 * strip the user can grab and drag (less, and a window on an unplugged monitor would open out of reach).
 */
const GRABBABLE = { width: 100, height: 50 };

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The remembered state checked against the screens there are now (their work areas, and the primary
 * one's): kept when enough of it lies on one of them; otherwise the default size (no larger than the
 * primary work area), centred on the primary screen, still maximized if it was. A state without a position
 * is left to the window manager.
 */
export function placeOnScreens(state: WindowState, workAreas: readonly Rectangle[], primary: Rectangle): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const bounds = { x: state.x, y: state.y, width: state.width, height: state.height };
  const visible = workAreas.some((area) => {
    const o = overlap(bounds, area);
    return o.width >= Math.min(GRABBABLE.width, bounds.width) && o.height >= Math.min(GRABBABLE.height, bounds.height);
  });
  if (visible) return state;
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    width,
    height,
    x: primary.x + Math.round((primary.width - width) / 2),
    y: primary.y + Math.round((primary.height - height) / 2),
    maximized: state.maximized,
  };
}

/** What the window is like now, as readWindowState reads it back (the normal bounds, even when maximized). */
export function windowStateOf(window: { getNormalBounds(): { x: number; y: number; width: number; height: number }; isMaximized(): boolean }): WindowState {
  const { x, y, width, height } = window.getNormalBounds();
  return { x, y, width, height, maximized: window.isMaximized() };
}

/** Saves the state; a folder that cannot be written costs only the memory of it (said in `log`). */
export function saveWindowState(path: string, state: WindowState, log: (line: string) => void): void {
  try {
    writeFileSync(path, JSON.stringify(state) + '\n', { mode: 0o600 });
  } catch (err) {
    log(`window: cannot remember its size and position in ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
