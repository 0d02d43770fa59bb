// Starts `bin/keyring-browser serve --port 0` (or `open FILE --port 0`) as a child of this (session-joined) worker and reads the
// URL, token included, from the first line it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export interface RunningServer {
  url: string;
  origin: string;
  token: string;
  output: () => string;
  stop: () => Promise<void>;
}

const BIN = path.join(__dirname, '..', '..', 'bin', 'keyring-browser');

/** `env` adds to this process's environment (a test hook such as KB_TEST_SCAN_THREAD_EXIT_FILE). */
export function startServe(extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  return startServing(['serve', '--port', '0', ...extraArgs], env);
}

/** `open FILE`: the same server, showing a saved snapshot or recording. */
export function startOpen(file: string): Promise<RunningServer> {
  return startServing(['open', file, '--port', '0']);
}

async function startServing(argv: string[], env: Record<string, string> = {}): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...argv], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let captured = '';
  child.stderr!.on('data', (d: Buffer) => (captured += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 20 s:\n${captured}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${captured}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  });
  lines.on('line', (l) => (captured += l + '\n'));
  const url = new URL(first);
  return {
    url: first,
    origin: url.origin,
    token: url.searchParams.get('token') ?? '',
    output: () => captured,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
