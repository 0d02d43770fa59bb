#!/usr/bin/env node
// Removes compiled files whose TypeScript source is gone (moved, renamed or deleted) from dist/electron,
// dist/shared and dist/bench. tsc's incremental build writes what changed but never deletes an output, so
// without this a moved module's old copy stays in dist/: tests and child processes could load it, and
// electron-builder would pack it. `npm run build:node` and vitest's global setup run it after tsc.
//
// Usage: node scripts/pruneDist.mjs
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The folders tsc (and vite, for the preload) write from sources of the same path. */
const COMPILED = ['electron', 'shared', 'bench'];
const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/;

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The outputs in `dist` (under root) whose source `<path>.ts` or `.mts` no longer exists, as absolute paths. */
export function staleOutputs(root = ROOT, dist = join(root, 'dist')) {
  return COMPILED.flatMap((folder) => filesUnder(join(dist, folder))).filter((file) => {
    if (!OUTPUT.test(file)) return false;
    // X.bundle.js is X.ts bundled (scripts/bundleCli.mjs).
    const source = join(root, relative(dist, file)).replace(OUTPUT, '').replace(/\.bundle$/, '');
    return !existsSync(`${source}.ts`) && !existsSync(`${source}.mts`);
  });
}

function main() {
  const stale = staleOutputs();
  for (const file of stale) rmSync(file);
  if (stale.length > 0) process.stdout.write(`pruneDist: removed ${stale.length} compiled file(s) whose source is gone: ${stale.map((f) => relative(ROOT, f)).join(', ')}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
