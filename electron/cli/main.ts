// The command-line entry (bin/keyring-browser calls main(argv)). Never imports electron.
import { join, resolve } from 'node:path';
import { takePrestartedReader } from '../threads/prestart';
import { ReaderThread } from '../threads/readerThread';
import { Scanner, scanSnapshot } from '../keyring/scanner';
import { parseArgs, USAGE, UsageError, type Command } from './args';
import { fdWriter } from './stdoutWriter';
import type { JsonWriter } from '../keyring/snapshotJson';
import { renderTree } from './tree';
import { redactSnapshot } from '../../shared/redact';
import { heldBy, renderHeldBy, renderQuotaTable } from './quotaTable';
import { assertScopeAllowed, canTakeOtherCredentials, ScopeRefusedError, uidExists } from '../keyring/scope';
import type { ScanScope } from '../../shared/snapshot';
import { readKeyLimits } from '../keyring/keyLimits';
import { readQuotas } from '../keyring/keyUsers';
import type * as ScreenshotModule from './screenshot';
import type * as ServerModule from '../serve/server';
import type * as WorkerSourceModule from '../threads/scanThread';

export interface Io {
  /** Where it can, it takes bytes too (`snapshot --json`'s key records: snapshotJson.ts). */
  stdout: JsonWriter;
  stderr: (s: string) => void;
}

const processIo: Io = {
  stdout: fdWriter(1),
  stderr: (s) => void process.stderr.write(s),
};

/** A sentence for the failures a person can act on; null for real bugs (then the stack helps more). */
function explain(err: unknown): string | null {
  if (err instanceof Error && err.name === 'KeyringsUnavailableError') return `keyring-browser: keyrings are unavailable: ${err.message}`;
  if (err instanceof Error && err.name === 'KeyctlError' && (err as Error & { code?: string }).code === 'ENOSYS') {
    return 'keyring-browser: keyrings are unavailable: this kernel has no key management (keyctl answers ENOSYS).';
  }
  if (err instanceof Error && /unsupported architecture/.test(err.message)) return `keyring-browser: ${err.message}`;
  if (err instanceof Error && err.name === 'ScreenshotError') return `keyring-browser: ${err.message}`;
  if (err instanceof Error && err.name === 'DemoError') return `keyring-browser: ${err.message}`;
  if (err instanceof Error && err.name === 'ScopeRefusedError') return `keyring-browser: ${err.message}`;
  if (err instanceof Error && err.name === 'HelperSocketError') return `keyring-browser: helper: ${err.message}`;
  return null;
}

async function run(command: Command, io: Io): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.stdout(USAGE);
      return 0;
    case 'snapshot': {
      const procRoot = process.env.KEYRING_BROWSER_PROC_ROOT || '/proc';
      // bin/keyring-browser has started the read already, on libuv's pool thread in an empty session of its
      // own (threads/prestart.ts); this thread possesses. Without that (tests) a reader thread reads.
      const reader = takePrestartedReader() ?? new ReaderThread({ prefetch: procRoot });
      // One shot: no name cache. A helper thread is stopped but not waited for (it is unref'd).
      checkScope(command.scope, procRoot);
      const scanner = new Scanner({ reader, procRoot, cacheNames: false, scope: command.scope });
      try {
        if (command.redact) {
          // Redaction needs the whole tree (aliases follow tree order): one snapshot, then its redacted copy.
          const redacted = redactSnapshot(await scanner.scan(), { uids: 'keep' });
          io.stdout(command.json ? `${JSON.stringify(redacted)}\n` : renderTree(redacted));
        } else if (command.json) await scanner.writeJson(io.stdout);
        else io.stdout(renderTree(await scanner.scan()));
        return 0;
      } finally {
        void scanner.close();
      }
    }
    case 'quota':
      return runQuota(command, io);
    case 'serve':
      return serveUntilSignal(command, io);
    case 'helper': {
      checkScope(command.scope, process.env.KEYRING_BROWSER_PROC_ROOT || '/proc');
      // Loaded here so `snapshot` does not pay for the HTTP stack.
      const { runHelperUntilSignal } = await import('../helper/helperCommand.js');
      return runHelperUntilSignal(command, io);
    }
    case 'open': {
      // Loaded here so `snapshot` does not pay for zod. A bad file fails before anything listens.
      const { readSavedFile } = await import('../files/readSavedFile.js');
      const { fileServiceOptions } = await import('../files/fileService.js');
      const file = readSavedFile(command.file);
      if (file.kind === 'recording' && file.truncated) io.stderr(`keyring-browser: ${command.file}: ${file.truncated}\n`);
      const { source, ...rest } = fileServiceOptions(command.file, file);
      return serveUntilSignal({ port: command.port, host: command.host, allowActions: false, source, ...rest }, io);
    }
    case 'diff': {
      const { runDiff } = await import('./diff.js');
      return runDiff(command, io);
    }
    case 'screenshot': {
      // Fails here, in a sentence, when the chosen engine is missing (before Playwright is loaded).
      // Loaded here, like the other picture modules, so `snapshot` does not pay for them.
      const { pictureEngine } = await import('./engine.js');
      pictureEngine(command.engine);
      // Loaded here so other commands do not pay for Playwright and the HTTP stack.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { takeScreenshot } = require('./screenshot') as typeof ScreenshotModule;
      await takeScreenshot(command, (line) => io.stderr(line + '\n'));
      io.stderr(`keyring-browser: wrote ${command.out}\n`);
      return 0;
    }
    case 'demo': {
      // Loaded here so `snapshot` does not pay for zod (the fixture schema).
      const { buildFixture, readFixture, FixtureError } = await import('./demo.js');
      const fixture = readFixture(command.fixture);
      const names = [...fixture.keyrings, ...fixture.keys].map((k) => k.name);
      if (command.selectName !== null && !names.includes(command.selectName)) {
        throw new FixtureError(`--select ${command.selectName}: ${command.fixture} has no key or keyring of that name`);
      }
      const scope: ScanScope = { kind: fixture.scope };
      if (fixture.users.length || scope.kind !== 'process') checkScope(scope, process.env.KEYRING_BROWSER_PROC_ROOT || '/proc');
      const built = buildFixture(fixture);
      try {
        const count = [...built.ids.values()].reduce((n, ids) => n + ids.length, 0);
        io.stderr(`keyring-browser: built ${command.fixture} (${count} keys and keyrings) in session keyring ${built.session}\n`);
        if (command.then.kind === 'serve') return await serveUntilSignal({ ...command.then, intervalMs: 1000, allowActions: false, scope }, io);
        const { pictureEngine } = await import('./engine.js');
        pictureEngine(command.then.engine);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { takeScreenshot } = require('./screenshot') as typeof ScreenshotModule;
        const select = command.selectName === null ? command.then.select : (built.ids.get(command.selectName)?.[0] ?? null);
        await takeScreenshot({ ...command.then, select, scope }, (line) => io.stderr(line + '\n'));
        io.stderr(`keyring-browser: wrote ${command.then.out}\n`);
        return 0;
      } finally {
        built.cleanup();
      }
    }
    case 'app': {
      const { electronBinary, launchApp, NO_ELECTRON, openInBrowser } = await import('./app.js');
      const binary = electronBinary();
      // A file to open is checked here first: a bad one is its sentence and exit 2, before any window.
      const files = command.files.map((f) => resolve(f));
      if (files.length) (await import('../files/readSavedFile.js')).readSavedFile(files[0]!);
      if (binary !== null) return launchApp(binary, io.stderr, files);
      io.stderr(NO_ELECTRON);
      if (files.length) return run({ kind: 'open', file: command.files[0]!, port: 0, host: '127.0.0.1' }, io);
      // Port 0: any free port (the printed URL carries it, and a token that changes on each start anyway).
      return serveUntilSignal({ port: 0, host: '127.0.0.1', intervalMs: 1000, allowActions: false, onUrl: (url) => openInBrowser(url, io.stderr) }, io);
    }
  }
}

/** `quota`: /proc/key-users and the limits; with --held-by, from one scan of every uid's view (the same moment's quotas). */
async function runQuota({ json, heldBy: top, uid }: Extract<Command, { kind: 'quota' }>, io: Io): Promise<number> {
  const procRoot = process.env.KEYRING_BROWSER_PROC_ROOT || '/proc';
  if (uid !== null && !uidExists(uid, procRoot)) throw new UsageError(`--uid ${uid}: ${noSuchUser(procRoot)}`);
  if (top !== null && !canTakeOtherCredentials(procRoot)) {
    throw new ScopeRefusedError(
      'quota --held-by needs root: which keyrings hold a user\'s keys takes reading as that user (the kernel shows each key ' +
        'only to the users its permissions admit; root has no override), on a thread that takes CAP_SETUID and CAP_SETGID. ' +
        'Run it as root (sudo keyring-browser quota --held-by); without --held-by, quota prints every uid\'s totals for any user.',
    );
  }
  const limits = readKeyLimits(procRoot);
  const snapshot = top === null ? null : await scanSnapshot({ procRoot, scope: { kind: 'all' } });
  const quotas = (snapshot?.quotas ?? readQuotas(procRoot)).filter((q) => uid === null || q.uid === uid);
  const lists = snapshot === null || top === null ? null : heldBy(snapshot, quotas, top);
  if (json) io.stdout(JSON.stringify(lists === null ? { quotas, limits } : { quotas, limits, heldBy: lists }) + '\n');
  // Every uid's quota line names the owners of keyrings that hold the listed uids' keys.
  else io.stdout(renderQuotaTable(quotas, limits, uid) + (lists === null ? '' : '\n' + renderHeldBy(lists, snapshot?.quotas ?? quotas)));
  return 0;
}

function noSuchUser(procRoot: string): string {
  return `no such user (not in /etc/passwd, and the kernel keeps no keys for it in ${procRoot}/key-users)`;
}

/** Refuses a scope this process cannot scan (a sentence, exit 1) or a uid nobody has (a usage error, exit 2). */
function checkScope(scope: ScanScope, procRoot: string): void {
  if (scope.kind === 'uid' && !uidExists(scope.uid, procRoot)) {
    throw new UsageError(`--uid ${scope.uid}: ${noSuchUser(procRoot)}`);
  }
  assertScopeAllowed(scope, procRoot);
}

type ServeUntilSignal = Pick<ServerModule.ServeOptions, 'port' | 'host' | 'intervalMs' | 'allowActions'> &
  Partial<Pick<ServerModule.ServeOptions, 'source' | 'readKeyDetails' | 'readIdentityNames' | 'origin' | 'recordedChanges'>> & {
    scope?: ScanScope;
    /** Called once the URL is printed (the app's fallback opens it in a browser). */
    onUrl?: (url: string) => void;
    /** `serve --record FILE`: where to record every change. */
    record?: string | null;
  };

/** `serve` (and `open`, with a file as the source): prints the URL (with its token) and serves until SIGINT/SIGTERM. */
async function serveUntilSignal({ scope = { kind: 'process' }, onUrl, record = null, ...options }: ServeUntilSignal, io: Io): Promise<number> {
  // A saved file's source touches no kernel: only a live scan has a scope to check.
  if (!options.source) checkScope(scope, process.env.KEYRING_BROWSER_PROC_ROOT || '/proc');
  // Made before anything listens, so a file that cannot be created is a sentence and exit 2.
  const recorder = record === null ? null : await import('../files/recorder.js');
  const recordFile = record === null ? null : recorder!.openRecordingFile(record);
  // Loaded here so `snapshot` does not pay for the HTTP stack.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startServer } = require('../serve/server') as typeof ServerModule;
  const { createWorkerSnapshotSource } = require('../threads/scanThread') as typeof WorkerSourceModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  let server: ServerModule.RunningServer;
  try {
    server = await startServer({
      ...options,
      // KB_TEST_SCAN_THREAD_EXIT_FILE: the soak's "scan thread killed mid-scan" fault (threads/scanWorker.ts).
      source: options.source ?? createWorkerSnapshotSource({ scope, exitMidScanFile: process.env.KB_TEST_SCAN_THREAD_EXIT_FILE || undefined }),
      ...(options.source ? {} : { scope }),
      staticDir: resolve(join(__dirname, '..', '..', 'renderer')),
      log: (line: string) => io.stderr(line + '\n'),
      serveSourceMaps: process.env.NODE_ENV === 'development',
    });
  } catch (err) {
    recordFile?.close();
    throw err;
  }
  const recording = recordFile === null ? null : await recorder!.recordService(server.service, recordFile, (line) => io.stderr(line + '\n'));
  io.stdout(server.url + '\n');
  if (record !== null) io.stderr(`keyring-browser: recording every change to ${record}\n`);
  onUrl?.(server.url);
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      recording?.stop();
      void server.close().finally(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`keyring-browser: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  try {
    return await run(command, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`keyring-browser: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Error && (err.name === 'FixtureError' || err.name === 'FileFormatError')) {
      io.stderr(`keyring-browser: ${err.message}\n`);
      return 2;
    }
    const sentence = explain(err);
    if (sentence === null) throw err;
    io.stderr(sentence + '\n');
    return 1;
  }
}
