// The built renderer (dist/renderer) served read-only over HTTP. The files hold no keyring data, so they are
// served without the token; the page then presents the token on its WebSocket. Which file answers a path
// (and what is never served) is decided in electron/bundle/bundleFiles.ts, for this door and app:// alike.
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { findBundleFile } from '../bundle/bundleFiles';

export interface StaticOptions {
  /** HEAD: the headers only. */
  headOnly: boolean;
  /** Whether `.map` files are served (development). */
  sourceMaps: boolean;
}

/** Sends the file, or answers 404. `headers` are the security headers every response carries. */
export async function sendStatic(
  res: ServerResponse,
  root: string,
  urlPath: string,
  headers: Record<string, string>,
  { headOnly, sourceMaps }: StaticOptions,
): Promise<void> {
  const file = await findBundleFile(root, urlPath, { sourceMaps });
  if (!file) {
    const missingBuild = urlPath === '/' || urlPath === '/index.html';
    const body = missingBuild ? 'The renderer is not built: run `npm run build:web`.\n' : 'Not found\n';
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(headOnly ? undefined : body);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Content-Length': String(file.size) });
  if (headOnly) {
    res.end();
    return;
  }
  createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
}
