// The window opens where it was closed: its size, position and whether it was maximized, kept in the
// app's user data folder. A missing or damaged file (or one from a much larger screen) is ignored: the
// window opens at its default size, never at a size no screen holds.
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
