// The built renderer (dist/renderer) served read-only. The files hold no keyring data, so they are
// served without the token; the page then presents the token on its WebSocket.
// Only files inside the bundle: no `..`, and no symlink that leads out of it (its real path must be
// inside too). Source maps hold the whole source: served only when asked for (development).
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a URL path onto a file under root; null when it would leave root (`..`, encoded or not) or is malformed.
 * `/` is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const file = resolve(base, relative);
  return file.startsWith(base + sep) ? file : null;
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file's real path (every symlink followed) when that is still a regular file inside root's real
 * path; null otherwise. What is opened is this real path, so a symlink swapped in afterwards is not followed.
 */
export async function realFileInside(root: string, file: string): Promise<string | null> {
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
    if (!realFile.startsWith(realRoot + sep)) return null;
    return realFile;
  } catch {
    return null;
  }
}

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
  const wanted = resolveStaticPath(root, urlPath);
  const allowed = wanted && (sourceMaps || extname(wanted).toLowerCase() !== '.map') ? wanted : null;
  const file = allowed ? await realFileInside(root, allowed) : null;
  const info = file ? await stat(file).catch(() => null) : null;
  if (!file || !info || !info.isFile()) {
    const missingBuild = urlPath === '/' || urlPath === '/index.html';
    const body = missingBuild ? 'The renderer is not built: run `npm run build:web`.\n' : 'Not found\n';
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(headOnly ? undefined : body);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': contentTypeOf(allowed ?? file), 'Content-Length': String(info.size) });
  if (headOnly) {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
