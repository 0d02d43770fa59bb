// Where a worker body's compiled file is. Every body is a TypeScript file in this folder, compiled by
// `npm run build:node` to dist/electron/threads/<body>.js.
import { dirname, join, resolve } from 'node:path';

/** The worker bodies (files in this folder); `npm run package:check` checks each is unpacked in a package. */
export const THREAD_BODIES = ['readerWorker', 'scanWorker', 'userViewWorker', 'actAsWorker'] as const;
export type ThreadBody = (typeof THREAD_BODIES)[number];

/**
 * The file a worker runs for `body`, seen from `moduleFile` (this module's own file at run time):
 *  - from the TypeScript sources (vitest): the build of the same sources in dist/, which vitest's global
 *    setup makes before any test runs (a worker thread cannot load TypeScript);
 *  - from dist/: in dist/electron/threads, seen from this module's folder or a sibling's (the one-shot CLI's
 *    bundle, dist/electron/cli/oneShot.bundle.js, holds this module);
 *  - in a package, where this module runs from app.asar: the unpacked copy (app.asar.unpacked), because the
 *    worker loads koffi's native module, which cannot be loaded from inside an archive.
 */
export function threadEntryPath(body: ThreadBody, moduleFile: string = __filename): string {
  if (moduleFile.endsWith('.ts')) return resolve(dirname(moduleFile), '..', '..', 'dist', 'electron', 'threads', `${body}.js`);
  return join(dirname(moduleFile), '..', 'threads', `${body}.js`).replace(/([/\\])app\.asar(?=[/\\])/, '$1app.asar.unpacked');
}
