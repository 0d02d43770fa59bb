// dist/ keeps no compiled file whose source is gone (scripts/pruneDist.mjs).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('pruneDist', () => {
  it('names the outputs of moved or deleted sources, and only those', async () => {
    const { staleOutputs } = await import('./pruneDist.mjs');
    const root = mkdtempSync(join(tmpdir(), 'kb-prune-'));
    const files = [
      'electron/cli/capture.ts',
      'electron/preload.ts',
      'electron/x.mts',
      'dist/electron/cli/capture.js',
      'dist/electron/cli/capture.js.map',
      'dist/electron/capture.js',
      'dist/electron/capture.js.map',
      'dist/electron/capture.d.ts',
      'dist/electron/preload.js',
      'dist/electron/x.js',
      'dist/shared/gone.js',
      'dist/renderer/assets/index.js',
      'dist/.tsbuildinfo',
    ];
    for (const f of files) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), '');
    }
    const stale = staleOutputs(root).map((f) => f.slice(root.length + 1)).sort();
    expect(stale).toEqual(['dist/electron/capture.d.ts', 'dist/electron/capture.js', 'dist/electron/capture.js.map', 'dist/shared/gone.js']);
  });
});
