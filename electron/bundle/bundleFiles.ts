// Which file of the built renderer (dist/renderer) answers a URL path, for both doors that serve it: the
// Electron window's app:// protocol (main.ts) and serve's HTTP (serve/staticFiles.ts). One rule for both:
// only files inside the bundle, no `..`, no symlink that leads out of it (its real path must be inside
// too), and source maps (which hold the whole source) only when asked for (development).
import { realpath, stat } from 'node:fs/promises';
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

export interface BundleFile {
  /** The real path to open. */
  path: string;
  contentType: string;
  size: number;
}

/** The bundle's file for `urlPath`, or null (outside the bundle, a source map not asked for, missing, not a file). */
export async function findBundleFile(root: string, urlPath: string, { sourceMaps }: { sourceMaps: boolean }): Promise<BundleFile | null> {
  const wanted = resolveStaticPath(root, urlPath);
  if (!wanted || (!sourceMaps && extname(wanted).toLowerCase() === '.map')) return null;
  const path = await realFileInside(root, wanted);
  const info = path ? await stat(path).catch(() => null) : null;
  if (!path || !info?.isFile()) return null;
  // The type the URL asked for: a symlinked name keeps its own extension's type.
  return { path, contentType: contentTypeOf(wanted), size: info.size };
}
