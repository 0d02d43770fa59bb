// The window's remembered size and position: read back as saved; a damaged, odd or missing file is
// ignored (the default size), and a folder that cannot be written is one log line. A position on no
// screen there is now gives way to the default size, centred on the primary screen.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeOnScreens, readWindowState, saveWindowState, windowStateOf, type WindowState } from './windowState';

const dir = mkdtempSync(join(tmpdir(), 'kb-window-state-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('window state', () => {
  it('reads back what was saved, maximized or not', () => {
    const path = join(dir, 'state.json');
    const lines: string[] = [];
    saveWindowState(path, windowStateOf({ getNormalBounds: () => ({ x: -20, y: 40, width: 1200, height: 800 }), isMaximized: () => true }), (l) => lines.push(l));
    expect(readWindowState(path)).toEqual({ x: -20, y: 40, width: 1200, height: 800, maximized: true });
    expect(lines).toEqual([]);
  });

  it.each([
    ['missing', join(dir, 'none.json')],
    ['not JSON', file('bad.json', '{"width": 12')],
    ['too small to use', file('small.json', '{"width": 100, "height": 80}')],
    ['bigger than any screen', file('huge.json', '{"width": 90000, "height": 800}')],
    ['not numbers', file('words.json', '{"width": "wide", "height": 800}')],
    ['an array', file('array.json', '[1200, 800]')],
  ])('a file that is %s is ignored', (_what, path) => {
    expect(readWindowState(path)).toBeNull();
  });

  it('a position that is not a number leaves the placing to the window manager', () => {
    expect(readWindowState(file('noplace.json', '{"width": 1000, "height": 700, "x": "left"}'))).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('a folder that cannot be written costs only the memory, said once', () => {
    const lines: string[] = [];
    saveWindowState(join(dir, 'no-such-folder', 'state.json'), { width: 1000, height: 700, maximized: false }, (l) => lines.push(l));
    expect(lines).toEqual([expect.stringMatching(/^window: cannot remember its size and position in .*no-such-folder/)]);
    expect(() => readFileSync(join(dir, 'no-such-folder', 'state.json'))).toThrow();
  });
});

describe('the remembered position against the screens there are now', () => {
  // A laptop's own screen (a panel at the top), and the monitor that stood to its right.
  const laptop = { x: 0, y: 32, width: 1920, height: 1048 };
  const monitor = { x: 1920, y: 0, width: 2560, height: 1440 };
  const onMonitor: WindowState = { x: 2200, y: 100, width: 1600, height: 1000, maximized: false };

  it('stands while the monitor it was on is there', () => {
    expect(placeOnScreens(onMonitor, [laptop, monitor], laptop)).toBe(onMonitor);
  });

  it('gives way to the default size, centred on the primary screen, when that monitor is gone', () => {
    expect(placeOnScreens(onMonitor, [laptop], laptop)).toEqual({ x: 260, y: 106, width: 1400, height: 900, maximized: false });
  });

  it('stays maximized when it was, and the default size is no larger than a small primary screen', () => {
    const small = { x: 0, y: 0, width: 1280, height: 770 };
    expect(placeOnScreens({ ...onMonitor, maximized: true }, [small], small)).toEqual({ x: 0, y: 0, width: 1280, height: 770, maximized: true });
  });

  it('stands when a strip the user can grab is on a screen, not when only a sliver is', () => {
    const hanging = { x: 1820, y: 500, width: 1200, height: 800, maximized: false };
    expect(placeOnScreens(hanging, [laptop], laptop)).toBe(hanging);
    const sliver = { ...hanging, x: 1880 };
    expect(placeOnScreens(sliver, [laptop], laptop)).toMatchObject({ x: 260, width: 1400 });
    const above = { ...hanging, x: 100, y: -790 };
    expect(placeOnScreens(above, [laptop], laptop)).toMatchObject({ x: 260, y: 106 });
  });

  it('leaves a window without a position to the window manager', () => {
    const unplaced: WindowState = { width: 1000, height: 700, maximized: false };
    expect(placeOnScreens(unplaced, [], laptop)).toBe(unplaced);
  });
});
