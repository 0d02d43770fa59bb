// Command-line parsing: pure, so every rule is unit-tested. A bad argument is a UsageError (exit 2).

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Command =
  | { kind: 'help' }
  | { kind: 'app'; args: string[] }
  | { kind: 'snapshot'; json: boolean }
  | { kind: 'serve'; port: number; host: string; intervalMs: number; allowActions: boolean };

export const USAGE = `Usage: keyring-browser [command] [options]

See the Linux kernel's keyrings live: every key and keyring this process can see, the links between
them, what this process possesses, expiry, and per-user quotas.

Commands:
  (none)            Open the desktop app (Electron). Where Electron is not installed, use \`serve\`.
  snapshot          Print the keyrings as a tree, like \`keyctl show\` but complete: the thread, process,
                    session, user-session, user and persistent keyrings, then kernel-held keyrings
                    (.user_reg, .dns_resolver, ...) and keyrings no anchor leads to (orphans).
    --json          Print the snapshot as JSON instead (the format the app uses; never any payload).
  serve             Serve the app over HTTP + WebSocket for a browser (e.g. through an SSH tunnel).
                    Prints the URL, with its access token, as the first line.
    --port N        Port to listen on (default 7777; 0 picks a free port).
    --host H        Address to bind (default 127.0.0.1; anything else is reachable by others: warns).
    --interval MS   Poll interval in milliseconds (default 1000).
    --allow-actions Allow actions that change keys (read-only without it).
  help, --help, -h  Show this help.

Environment:
  KEYRING_BROWSER_PROC_ROOT   Read keys/ and key-users from this directory instead of /proc.

Exit status: 0 success, 1 keyrings unavailable or another failure (said in a sentence), 2 bad arguments.
`;

function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'app', args: [] };
  if (command === 'help' || command === '--help' || command === '-h') return { kind: 'help' };
  if (command === 'snapshot') {
    let json = false;
    for (const a of rest) {
      if (a === '--json') json = true;
      else if (a === '--help' || a === '-h') return { kind: 'help' };
      else throw new UsageError(`snapshot: unknown option ${JSON.stringify(a)}`);
    }
    return { kind: 'snapshot', json };
  }
  if (command === 'serve') {
    const out = { kind: 'serve' as const, port: 7777, host: '127.0.0.1', intervalMs: 1000, allowActions: false };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] as string;
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = (): string | undefined => (inline !== undefined ? inline : rest[++i]);
      if (flag === '--port') out.port = intArg('--port', value(), 0, 65535);
      else if (flag === '--host') {
        const h = value();
        if (!h || h.startsWith('-')) throw new UsageError('--host needs an address');
        out.host = h;
      } else if (flag === '--interval') out.intervalMs = intArg('--interval', value(), 100, 3_600_000);
      else if (flag === '--allow-actions' && inline === undefined) out.allowActions = true;
      else if (flag === '--help' || flag === '-h') return { kind: 'help' };
      else throw new UsageError(`serve: unknown option ${JSON.stringify(a)}`);
    }
    return out;
  }
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}
