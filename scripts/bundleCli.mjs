#!/usr/bin/env node
// Bundles the one-shot `snapshot` path into one file (electron/cli/oneShot.ts → dist/electron/cli/oneShot.bundle.js)
// from tsc's output, with rolldown (it comes with vite). Each module keeps its lazy CommonJS start, so only what
// runs is started. Left as files: Node's own modules, packages (koffi's native module, ws), and what main.ts loads
// lazily for other commands (`await import('./x.js')`, the HTTP stack): the bundle lies beside main.js, so their
// relative paths still hold. `npm run build:node` and vitest's global setup run it after tsc, so the bundle is never
// older than dist/. Fails when the bundle would hold the HTTP stack, the helper, the file readers or zod.
//
// Usage: node scripts/bundleCli.mjs
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'electron', 'cli');
/** main.ts's lazy `require`s (written without `.js`, unlike its `await import`s). */
const LAZY_REQUIRES = new Set(['./screenshot', '../serve/server', '../threads/scanThread']);
/** What must never be in the bundle: the snapshot path does not need it. */
const NOT_IN_BUNDLE = /[/\\]dist[/\\]electron[/\\](serve|helper|files|desktop|ipc)[/\\]|[/\\]node_modules[/\\]/;

/** Decided on the id as written (rolldown asks again with the resolved path, which the first answer settles). */
function external(id, importer, isResolved) {
  if (isResolved) return /[/\\]node_modules[/\\]/.test(id);
  if (id.startsWith('node:') || builtinModules.includes(id)) return true;
  if (!id.startsWith('.')) return true; // a package
  return id.endsWith('.js') || LAZY_REQUIRES.has(id);
}

const bundle = await rolldown({ input: join(CLI, 'oneShot.js'), platform: 'node', external, logLevel: 'warn' });
// Whitespace and comments out (half the bytes V8 reads and pre-parses at each start), names and code as they are, so
// stack traces and CPU profiles still name our functions: process CPU median -19 ms, page faults -310 (10
// alternating pairs at 40k keys, README "One-shot snapshot --json"); renaming and compressing as well gained no more.
const minify = { compress: false, mangle: false, codegen: { removeWhitespace: true } };
const { output } = await bundle.write({ file: join(CLI, 'oneShot.bundle.js'), format: 'cjs', codeSplitting: false, minify });
await bundle.close();
const wrong = output.flatMap((chunk) => chunk.moduleIds ?? []).filter((id) => NOT_IN_BUNDLE.test(id));
if (wrong.length > 0) {
  process.stderr.write(`bundleCli: the snapshot bundle must not hold ${wrong.map((id) => relative(ROOT, id)).join(', ')}: load it lazily (await import('./x.js'))\n`);
  process.exit(1);
}
