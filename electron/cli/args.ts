// Command-line parsing: pure, so every rule is unit-tested. A bad argument is a UsageError (exit 2).
import type { ScanScope } from '../../shared/snapshot';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Command =
  | { kind: 'help' }
  /** The desktop app; `files`: snapshots or recordings to open in it (`keyring-browser FILE.json`). */
  | { kind: 'app'; files: string[] }
  | { kind: 'snapshot'; json: boolean; redact: boolean; scope: ScanScope }
  /** `heldBy`: how many keyrings to list per uid, by keys and by bytes (null: no such lists); `uid`: only that uid's row. */
  | { kind: 'quota'; json: boolean; heldBy: number | null; uid: number | null }
  | { kind: 'serve'; port: number; host: string; intervalMs: number; allowActions: boolean; scope: ScanScope; record: string | null }
  | { kind: 'helper'; socket: string; user: number | null; intervalMs: number; allowActions: boolean; scope: ScanScope }
  | { kind: 'open'; file: string; port: number; host: string }
  | { kind: 'diff'; before: string; after: string; json: boolean }
  | ({ kind: 'screenshot' } & ScreenshotArgs)
  | {
      kind: 'demo';
      fixture: string;
      then: { kind: 'serve'; port: number; host: string } | ({ kind: 'screenshot' } & ScreenshotArgs);
      /** `--select NAME`: a key of the fixture, by its name there (its id is only known once built). */
      selectName: string | null;
    };

export interface ScreenshotArgs {
  out: string;
  view: 'tree' | 'graph';
  redact: boolean;
  select: number | null;
  /** `--select uid:N`: the Users section's node of uid N (the system view), not a key. */
  selectUser: number | null;
  width: number;
  height: number;
  theme: 'light' | 'dark';
  dumpText: string | null;
  /** Fold the change log (on a busy machine it fills with other processes' churn). */
  hideLog: boolean;
  /** With --redact: renumber uids and gids too (1000, 1001, …; 0 and 65534 stay). */
  replaceUids: boolean;
  /** Who draws: Electron's capturePage where its binary is installed ('auto'), else headless chromium. */
  engine: 'auto' | 'electron' | 'chromium';
}

export const USAGE = `Usage: keyring-browser [command] [options]

See the Linux kernel's keyrings live: every key and keyring this process can see, the links between
them, what this process possesses, expiry, and per-user quotas.

Commands:
  (none)            Open the desktop app (Electron). Where Electron is not installed, serve the app
                    read-only instead, print its URL and open it in a browser (xdg-open) if there is
                    a display.
  FILE.json         Open a saved snapshot or recording (.json, .jsonl) in the desktop app, read-only (in
                    the window already open, if there is one); without Electron, as \`open FILE\` does.
  snapshot          Print the keyrings as a tree, like \`keyctl show\` but complete: the thread, process,
                    session, user-session, user and persistent keyrings, then kernel-held keyrings
                    (.user_reg, .dns_resolver, ...) and keyrings no anchor leads to (orphans).
    --json          Print the snapshot as JSON instead (the format the app uses; never any payload).
    --redact        Redact it for a bug report: descriptions become aliases ("user key #3") numbered in
                    tree order, ids are renumbered; kernel and krb5 role names (_ses, _krb,
                    __krb5_princ__, .id_resolver, ...) stay, principals, realms and collection names go.
    --all-users     Every uid's keys (each uid in /proc/key-users, read with that uid's credentials on a
                    thread of its own) plus this process's view; needs root. Possession stays this
                    process's. Each key says which views list it (seenBy).
    --uid N         What uid N can view (needs root); N must exist (passwd or /proc/key-users).
  quota             Print /proc/key-users as a table: each uid with its name, keys and bytes charged
                    to its quota against the limit (with percentages and whether it is nearly full),
                    then the limits in /proc/sys/kernel/keys. Any user may run it.
    --held-by       Also list, for each uid, the keyrings holding most of its keys and most of its
                    bytes (what /proc/key-users charges it), from every uid's view; needs root.
    --top N         How many keyrings each of those lists holds (default 3; implies --held-by).
    --uid N         Only uid N's row (and lists).
    --json          Print the quotas (with user names) and the limits as JSON instead (with
                    --held-by, also heldBy: each uid's lists).
  serve             Serve the app over HTTP + WebSocket for a browser (e.g. through an SSH tunnel).
                    Prints the URL, with its access token, as the first line.
    --port N        Port to listen on (default 7777; 0 picks a free port).
    --host H        Address to bind (default 127.0.0.1; anything else is reachable by others: warns).
    --interval MS   Poll interval in milliseconds (default 1000).
    --allow-actions Allow actions that change keys (read-only without it).
    --record FILE   Also append every change, with its time, to FILE (JSON Lines: a full snapshot,
                    then one line per change; a new file, mode 0600). open FILE replays it.
    --all-users, --uid N   Serve every uid's keys, or uid N's view (as for snapshot; needs root).
  helper --socket PATH
                    The desktop app's system view: run as root (pkexec or sudo), read every uid's
                    keyrings and serve them to one user over a Unix socket at PATH (made mode 0600,
                    owned by that user, in a directory only the user or root may write; every other
                    peer is refused, checked with SO_PEERCRED). The app shows the command to run.
    --user UID      Whose socket it is (default: SUDO_UID or PKEXEC_UID, which sudo and pkexec set).
    --all-users, --uid N   What to scan (default --all-users).
    --interval MS   Poll interval in milliseconds (default 1000).
    --read-only     Refuse actions that change keys (default: allowed, behind the app's Read-only switch).
  open FILE         Serve a saved snapshot (snapshot --json, Export → JSON) or recording in the same
                    UI, read-only: nothing touches the kernel. Prints the URL like serve.
    --port N --host H   As for serve.
  diff A B          Print what changed from snapshot file A to snapshot file B, in the change log's
                    words: keys added and removed, changed fields, links, quotas. Exit status 0 when
                    nothing differs, 1 when something does, 2 on trouble (as diff(1)).
    --json          Print the differences as JSON instead.
  screenshot        Render the app and write a PNG (for documentation builds). Where Electron's binary
                    is installed (node_modules/electron/dist), the app itself draws and Electron's
                    capturePage takes the picture (it needs a display, e.g. xvfb-run). Elsewhere it
                    serves the app in-process on 127.0.0.1 and drives /usr/bin/chromium (or
                    CHROMIUM_PATH) headlessly through Playwright.
    --engine E      electron or chromium: force one (default: electron where installed, else chromium).
    --out FILE.png  Where to write the picture (required).
    --view V        tree (default) or graph.
    --redact        Replace every key's description by an alias ("user key #3") and remap every id
                    (0x10000000, 0x10000001, ...); the kernel's own names (_ses, _uid.0, .user_reg)
                    stay. Uids are kept unless --replace-uids.
    --replace-uids  Renumber uids and gids too (1000, 1001, ...; 0 and 65534 stay). Implies --redact.
    --select ID     Select this key (decimal or 0x hex, its real id even with --redact) so the
                    details panel shows it; --select uid:N selects uid N's node in the Users
                    section (the system view) and shows its quota and keyrings.
    --width W --height H   Window size in pixels (default 1400 x 900).
    --theme T       light (default) or dark.
    --hide-log      Fold the change log (a busy machine fills it with other processes' churn).
    --dump-text FILE   Also write the page's visible text to FILE (tests of --redact).
  demo FIXTURE.json Join a fresh anonymous session keyring, build the fixture's keyrings and keys
                    with real keys (see docs/fixtures/), then serve or screenshot them. The keys go
                    when the command ends.
    --serve [--port N] [--host H]   Serve them (the default; port 7777).
    --screenshot OUT.png [screenshot options]   Write a picture instead; --select also takes
                    a key's name in the fixture.
  help, --help, -h  Show this help.

Environment:
  KEYRING_BROWSER_PROC_ROOT   Read keys/ and key-users from this directory instead of /proc.

Exit status: 0 success, 1 keyrings unavailable or another failure (said in a sentence), 2 bad arguments
(or a bad fixture, or a file open or diff cannot read). diff: 0 same, 1 different, 2 trouble.
`;

/** --all-users / --uid N, at most one of them. */
/** `quota --held-by`: how many keyrings each list names unless --top says. */
export const DEFAULT_HELD_BY = 3;

class ScopeOption {
  value: ScanScope = { kind: 'process' };
  private given = false;
  /** Takes `flag` if it is a scope option (reading --uid's value through `value`); false otherwise. */
  take(flag: string, value: () => string | undefined, inline?: string): boolean {
    if (flag === '--all-users' && inline === undefined) this.set({ kind: 'all' });
    else if (flag === '--uid') this.set({ kind: 'uid', uid: uidArg(value()) });
    else return false;
    return true;
  }
  private set(scope: ScanScope): void {
    if (this.given) throw new UsageError('--all-users and --uid exclude each other (give one)');
    this.given = true;
    this.value = scope;
  }
}

/** A uid: a whole number below 2^32 - 1 ((uid_t)-1 means "no uid" to the kernel). */
function uidArg(value: string | undefined, flag = '--uid'): number {
  if (value === undefined || !/^\d{1,10}$/.test(value) || Number(value) >= 0xffffffff) {
    throw new UsageError(`${flag} needs a uid, a whole number (got ${value === undefined ? 'nothing' : JSON.stringify(value)}); names are not taken: use \`id -u NAME\``);
  }
  return Number(value);
}

function intArg(flag: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}`);
  return n;
}

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'app', files: [] };
  if (/\.jsonl?$/i.test(command)) {
    if (rest.length) throw new UsageError(`${command}: open one file at a time (then Compare with… another in the app)`);
    return { kind: 'app', files: [command] };
  }
  if (command === 'help' || command === '--help' || command === '-h') return { kind: 'help' };
  if (command === 'snapshot') {
    let json = false;
    let redact = false;
    const scope = new ScopeOption();
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] as string;
      if (a === '--json') json = true;
      else if (a === '--redact') redact = true;
      else if (a === '--help' || a === '-h') return { kind: 'help' };
      else if (scope.take(a, () => rest[++i])) continue;
      else throw new UsageError(`snapshot: unknown option ${JSON.stringify(a)}`);
    }
    return { kind: 'snapshot', json, redact, scope: scope.value };
  }
  if (command === 'quota') {
    const out = { kind: 'quota' as const, json: false, heldBy: null as number | null, uid: null as number | null };
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i] as string;
      if (a === '--json') out.json = true;
      else if (a === '--held-by') out.heldBy ??= DEFAULT_HELD_BY;
      else if (a === '--top') out.heldBy = intArg('--top', rest[++i], 1, 1000);
      else if (a === '--uid') out.uid = uidArg(rest[++i]);
      else if (a === '--help' || a === '-h') return { kind: 'help' };
      else throw new UsageError(`quota: unknown option ${JSON.stringify(a)}`);
    }
    return out;
  }
  if (command === 'serve') {
    const out = { kind: 'serve' as const, port: 7777, host: '127.0.0.1', intervalMs: 1000, allowActions: false, scope: { kind: 'process' } as ScanScope, record: null as string | null };
    const scope = new ScopeOption();
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
      else if (flag === '--record') {
        const f = value();
        if (!f || f.startsWith('-')) throw new UsageError('--record needs a file (serve --record FILE.jsonl)');
        out.record = f;
      }
      else if (scope.take(flag, value, inline)) out.scope = scope.value;
      else if (flag === '--help' || flag === '-h') return { kind: 'help' };
      else throw new UsageError(`serve: unknown option ${JSON.stringify(a)}`);
    }
    return out;
  }
  if (command === 'helper') return parseHelperArgs(rest);
  if (command === 'open') return parseOpenArgs(rest);
  if (command === 'diff') return parseDiffArgs(rest);
  if (command === 'screenshot') {
    const parsed = parseScreenshotArgs('screenshot', rest, true);
    return parsed === 'help' ? { kind: 'help' } : { kind: 'screenshot', ...parsed };
  }
  if (command === 'demo') return parseDemoArgs(rest);
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

/** Splits `--flag=value` and hands out values; a flag's value may not look like another flag. */
function optionReader(rest: readonly string[]) {
  let i = -1;
  let inline: string | undefined;
  return {
    next(): string | undefined {
      i++;
      if (i >= rest.length) return undefined;
      const a = rest[i] as string;
      if (a.startsWith('--') && a.includes('=')) {
        inline = a.slice(a.indexOf('=') + 1);
        return a.slice(0, a.indexOf('='));
      }
      inline = undefined;
      return a;
    },
    value(flag: string): string {
      const v = inline !== undefined ? inline : rest[++i];
      inline = undefined;
      if (v === undefined || v === '' || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    },
    hasInline: () => inline !== undefined,
  };
}

function keyIdArg(value: string): number {
  const n = /^0x[0-9a-f]{1,8}$/i.test(value) ? parseInt(value.slice(2), 16) : /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) throw new UsageError('--select needs a key id (decimal or 0x hex)');
  return n;
}

/** `--select`'s value: `uid:N` selects a user node, anything else is a key id. */
function selectArg(value: string, out: ScreenshotArgs): void {
  const user = /^uid:(\d{1,10})$/.exec(value);
  if (value.startsWith('uid:') && (user === null || Number(user[1]) > 0xfffffffe)) throw new UsageError('--select uid:N needs a uid (a number)');
  if (user !== null) {
    out.selectUser = Number(user[1]);
    out.select = null;
  } else {
    out.select = keyIdArg(value);
    out.selectUser = null;
  }
}

function screenshotDefaults(): ScreenshotArgs {
  return { out: '', view: 'tree', redact: false, select: null, selectUser: null, width: 1400, height: 900, theme: 'light', dumpText: null, hideLog: false, replaceUids: false, engine: 'auto' };
}

/** Applies one screenshot option to `out`; false when `flag` is not one. */
function screenshotOption(flag: string, r: ReturnType<typeof optionReader>, out: ScreenshotArgs, withOut: boolean): boolean {
  if (flag === '--out' && withOut) out.out = r.value('--out');
  else if (flag === '--view') {
    const v = r.value('--view');
    if (v !== 'tree' && v !== 'graph') throw new UsageError('--view is tree or graph');
    out.view = v;
  } else if (flag === '--redact' && !r.hasInline()) out.redact = true;
  else if (flag === '--select') selectArg(r.value('--select'), out);
  else if (flag === '--width') out.width = intArg('--width', r.value('--width'), 320, 7680);
  else if (flag === '--height') out.height = intArg('--height', r.value('--height'), 240, 4320);
  else if (flag === '--theme') {
    const v = r.value('--theme');
    if (v !== 'light' && v !== 'dark') throw new UsageError('--theme is light or dark');
    out.theme = v;
  } else if (flag === '--dump-text') out.dumpText = r.value('--dump-text');
  else if (flag === '--hide-log' && !r.hasInline()) out.hideLog = true;
  else if (flag === '--replace-uids' && !r.hasInline()) out.replaceUids = out.redact = true;
  else if (flag === '--engine') {
    const v = r.value('--engine');
    if (v !== 'electron' && v !== 'chromium') throw new UsageError('--engine is electron or chromium');
    out.engine = v;
  }
  else return false;
  return true;
}

function parseScreenshotArgs(command: string, rest: readonly string[], withOut: boolean): ScreenshotArgs | 'help' {
  const out = screenshotDefaults();
  const r = optionReader(rest);
  for (let flag = r.next(); flag !== undefined; flag = r.next()) {
    if (flag === '--help' || flag === '-h') return 'help';
    if (!screenshotOption(flag, r, out, withOut)) throw new UsageError(`${command}: unknown option ${JSON.stringify(flag)}`);
  }
  if (withOut && !out.out) throw new UsageError(`${command}: --out FILE.png is required`);
  return out;
}

function parseDemoArgs(rest: readonly string[]): Command {
  const [fixture, ...options] = rest;
  if (fixture === '--help' || fixture === '-h') return { kind: 'help' };
  if (fixture === undefined || fixture.startsWith('--')) throw new UsageError('demo needs a fixture file (demo FIXTURE.json)');
  const serve = { kind: 'serve' as const, port: 7777, host: '127.0.0.1' };
  const shot = screenshotDefaults();
  let mode: 'serve' | 'screenshot' | null = null;
  const setMode = (m: 'serve' | 'screenshot') => {
    if (mode && mode !== m) throw new UsageError('demo: --serve and --screenshot exclude each other');
    mode = m;
  };
  let selectName: string | null = null;
  const r = optionReader(options);
  for (let flag = r.next(); flag !== undefined; flag = r.next()) {
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--select') {
      const v = r.value('--select');
      setMode('screenshot');
      if (/^[A-Za-z][\w-]*$/.test(v)) selectName = v;
      else selectArg(v, shot);
    } else if (flag === '--serve' && !r.hasInline()) setMode('serve');
    else if (flag === '--port') {
      setMode('serve');
      serve.port = intArg('--port', r.value('--port'), 0, 65535);
    } else if (flag === '--host') {
      setMode('serve');
      serve.host = r.value('--host');
    } else if (flag === '--screenshot') {
      setMode('screenshot');
      shot.out = r.value('--screenshot');
    } else if (screenshotOption(flag, r, shot, false)) setMode('screenshot');
    else throw new UsageError(`demo: unknown option ${JSON.stringify(flag)}`);
  }
  if (mode === 'screenshot' && !shot.out) throw new UsageError('demo: screenshot options need --screenshot OUT.png');
  return { kind: 'demo', fixture, then: mode === 'screenshot' ? { kind: 'screenshot', ...shot } : serve, selectName };
}

function parseHelperArgs(rest: readonly string[]): Command {
  let socket: string | null = null;
  let user: number | null = null;
  let intervalMs = 1000;
  let allowActions = true;
  const scope = new ScopeOption();
  scope.value = { kind: 'all' };
  const r = optionReader(rest);
  for (let flag = r.next(); flag !== undefined; flag = r.next()) {
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--socket') {
      socket = r.value('--socket');
      if (!socket.startsWith('/')) throw new UsageError('--socket needs an absolute path (the helper runs as root: a relative one would depend on where it was started)');
    } else if (flag === '--user') user = uidArg(r.value('--user'), '--user');
    else if (flag === '--interval') intervalMs = intArg('--interval', r.value('--interval'), 100, 3_600_000);
    else if (flag === '--read-only' && !r.hasInline()) allowActions = false;
    else if (flag === '--all-users' && !r.hasInline()) scope.take(flag, () => undefined);
    else if (flag === '--uid') scope.take(flag, () => r.value('--uid'));
    else throw new UsageError(`helper: unknown option ${JSON.stringify(flag)}`);
  }
  if (socket === null) throw new UsageError('helper needs --socket PATH (the desktop app shows the whole command)');
  return { kind: 'helper', socket, user, intervalMs, allowActions, scope: scope.value };
}

function parseOpenArgs(rest: readonly string[]): Command {
  let file: string | null = null;
  const out = { port: 7777, host: '127.0.0.1' };
  const r = optionReader(rest);
  for (let flag = r.next(); flag !== undefined; flag = r.next()) {
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--port') out.port = intArg('--port', r.value('--port'), 0, 65535);
    else if (flag === '--host') out.host = r.value('--host');
    else if (flag.startsWith('-') && flag !== '-') throw new UsageError(`open: unknown option ${JSON.stringify(flag)}`);
    else if (file === null) file = flag;
    else throw new UsageError('open takes one file');
  }
  if (file === null) throw new UsageError('open needs a file (open FILE.json)');
  return { kind: 'open', file, ...out };
}

function parseDiffArgs(rest: readonly string[]): Command {
  const files: string[] = [];
  let json = false;
  for (const a of rest) {
    if (a === '--help' || a === '-h') return { kind: 'help' };
    if (a === '--json') json = true;
    else if (a.startsWith('-')) throw new UsageError(`diff: unknown option ${JSON.stringify(a)}`);
    else files.push(a);
  }
  if (files.length !== 2) throw new UsageError('diff needs two snapshot files (diff A.json B.json)');
  return { kind: 'diff', before: files[0]!, after: files[1]!, json };
}
