// `keyring-browser` with no command (and `npm start`): start the Electron app as a child process, or, where
// Electron's binary is missing (npm could not download it: offline build hosts, containers), say so in one
// sentence and serve the same app to a browser instead. The CLI never imports electron: the npm package
// records where its binary lives in path.txt, which we read ourselves.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

/**
 * Electron's binary, or null where it is not installed. ELECTRON_OVERRIDE_DIST_PATH (the electron package's
 * own variable: a folder holding an `electron` binary) is honoured as the package honours it.
 */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(binary) ? binary : null;
  }
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** The app directory (package.json with "main": dist/electron/main.js), from dist/electron/cli. */
export function appDir(): string {
  return resolve(__dirname, '..', '..', '..');
}

/** Why the window cannot open, and what happens instead (one sentence, then the URL follows on stdout). */
export const NO_ELECTRON =
  'keyring-browser: the Electron binary is not installed here (npm could not download it), so the desktop window cannot open; ' +
  'serving the same app, read-only, to a browser instead (Ctrl+C stops it).\n';

/** Starts the desktop app; `files` (absolute paths) open in its window, or in the one already open (one instance). */
export async function launchApp(binary: string, stderr: (s: string) => void, files: readonly string[] = []): Promise<number> {
  return new Promise<number>((done) => {
    const child = spawn(binary, [appDir(), ...files], { stdio: 'inherit' });
    child.on('error', (err) => {
      stderr(`keyring-browser: could not start Electron (${err.message}). Try \`keyring-browser serve\`.\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/**
 * How to open `url` for the person: `xdg-open` where there is a display to open it on and xdg-open is
 * installed; otherwise null (the printed URL is all there is: open it, or forward the port with ssh -L).
 */
export function browserOpener(env: NodeJS.ProcessEnv = process.env): string | null {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'xdg-open');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Opens `url` in the person's browser where possible; never fails the server (a sentence at most). */
export function openInBrowser(url: string, stderr: (s: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  const opener = browserOpener(env);
  if (opener === null) {
    stderr('keyring-browser: no display to open a browser on: open the URL above in a browser (or forward its port with ssh -L).\n');
    return;
  }
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', (err) => stderr(`keyring-browser: could not run ${opener} (${err.message}): open the URL above in a browser.\n`));
  child.unref();
}
