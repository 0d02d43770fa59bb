// vitest's global setup for the node-side tests: builds dist/ from the sources under test before any test
// runs, so tests that run compiled code (worker threads, child processes of bin/keyring-browser, the built
// preload) never skip and never test a stale build (nor a moved module's old copy: scripts/pruneDist.mjs).
// tsc is incremental (dist/.tsbuildinfo): a build with nothing changed takes a few seconds.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  const root = resolve(__dirname, '..', '..');
  const bin = (...path: string[]) => resolve(root, 'node_modules', ...path);
  execFileSync(process.execPath, [bin('typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc never deletes an output: drop those whose source moved or went, so nothing loads a stale copy.
  execFileSync(process.execPath, [resolve(root, 'scripts', 'pruneDist.mjs')], { cwd: root, stdio: 'inherit' });
  // The one-shot CLI's bundle of the snapshot path (bin/keyring-browser runs it for `snapshot`): never older than dist/.
  execFileSync(process.execPath, [resolve(root, 'scripts', 'bundleCli.mjs')], { cwd: root, stdio: 'inherit' });
  // The preload is bundled by vite, not tsc (a sandboxed preload cannot require local files).
  execFileSync(process.execPath, [bin('vite', 'bin', 'vite.js'), 'build', '--config', 'electron/preload.vite.config.mts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}
