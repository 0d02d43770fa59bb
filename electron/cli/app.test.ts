// How `keyring-browser` with no command finds Electron and opens the fallback's URL.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserOpener, electronBinary } from './app';

function folderWith(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-app-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
  return dir;
}

describe('electronBinary', () => {
  it('honours ELECTRON_OVERRIDE_DIST_PATH as the electron package does, and is null where no binary is there', () => {
    const dir = folderWith('electron');
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dir })).toBe(join(dir, 'electron'));
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'nothing') })).toBeNull();
  });
});

describe('browserOpener', () => {
  it('is xdg-open from PATH where there is a display, X11 or Wayland', () => {
    const bin = folderWith('xdg-open');
    expect(browserOpener({ DISPLAY: ':0', PATH: `/nonexistent:${bin}` })).toBe(join(bin, 'xdg-open'));
    expect(browserOpener({ WAYLAND_DISPLAY: 'wayland-0', PATH: bin })).toBe(join(bin, 'xdg-open'));
  });

  it('is null without a display, or without xdg-open', () => {
    const bin = folderWith('xdg-open');
    expect(browserOpener({ PATH: bin })).toBeNull();
    expect(browserOpener({ DISPLAY: '', WAYLAND_DISPLAY: '', PATH: bin })).toBeNull();
    expect(browserOpener({ DISPLAY: ':0', PATH: folderWith('something-else') })).toBeNull();
  });
});
