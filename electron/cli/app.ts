// `keyring-browser` with no command: start the Electron app as a child process. The CLI never imports
// electron: the npm package records where its binary lives in path.txt, which we read ourselves.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function electronBinary(): string | null {
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

export async function launchApp(stderr: (s: string) => void): Promise<number> {
  const binary = electronBinary();
  if (binary === null) {
    stderr(
      'keyring-browser: the Electron binary is not installed here, so the desktop app cannot open.\n' +
        'Run `keyring-browser serve` and open the printed URL in a browser instead.\n',
    );
    return 1;
  }
  return new Promise<number>((done) => {
    const child = spawn(binary, [appDir()], { stdio: 'inherit' });
    child.on('error', (err) => {
      stderr(`keyring-browser: could not start Electron (${err.message}). Try \`keyring-browser serve\`.\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
