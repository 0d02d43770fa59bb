// The window's remembered size and position: read back as saved; a damaged, odd or missing file is
// ignored (the default size), and a folder that cannot be written is one log line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWindowState, saveWindowState, windowStateOf } from './windowState';

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
