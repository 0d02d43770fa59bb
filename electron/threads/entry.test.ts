import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { threadEntryPath } from './entry';

describe('threadEntryPath', () => {
  it('runs a worker body from app.asar.unpacked in a package (koffi cannot load from the archive)', () => {
    const here = '/opt/Keyring Browser/resources/app.asar/dist/electron/threads/entry.js';
    expect(threadEntryPath('scanWorker', here)).toBe('/opt/Keyring Browser/resources/app.asar.unpacked/dist/electron/threads/scanWorker.js');
    expect(threadEntryPath('readerWorker', here)).toBe('/opt/Keyring Browser/resources/app.asar.unpacked/dist/electron/threads/readerWorker.js');
  });

  it('runs it beside this module from dist/, and from dist/ when running from the sources', () => {
    expect(threadEntryPath('scanWorker', '/src/kb/dist/electron/threads/entry.js')).toBe('/src/kb/dist/electron/threads/scanWorker.js');
    expect(threadEntryPath('scanWorker', '/src/kb/electron/threads/entry.ts')).toBe('/src/kb/dist/electron/threads/scanWorker.js');
    // The one-shot CLI's bundle holds this module and lies in dist/electron/cli.
    expect(threadEntryPath('readerWorker', '/src/kb/dist/electron/cli/oneShot.bundle.js')).toBe('/src/kb/dist/electron/threads/readerWorker.js');
    expect(threadEntryPath('scanWorker', '/src/app.asar.d/dist/electron/threads/entry.js')).toBe('/src/app.asar.d/dist/electron/threads/scanWorker.js');
    // The real thing (vitest's global setup built it).
    expect(existsSync(threadEntryPath('scanWorker'))).toBe(true);
    expect(existsSync(threadEntryPath('readerWorker'))).toBe(true);
  });
});
