// The desktop app's "This process | All users" switch, in Electron main: the KeyringApi that IPC serves is
// this router, which forwards every call to the view shown now: the app's own KeyringService (this process's
// keys), or the privileged helper's (every user's, over its Unix socket: helperClient.ts). The renderer
// never sees the socket; it calls setScope, and learns from getCapabilities which view it got and who
// provides it. On a switch (and when the helper goes away) listeners get one full `snapshot` event, which
// replaces everything the page holds. The hidden view is paused, not closed: switching back is instant.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Capabilities, HelperHint, KeyringApi, KeyringEvent, SwitchableScope, ViewInfo } from '../../shared/api';
import { eachMethod, type ContractMethods, type MethodName } from '../../shared/contract';
import { KeyringApiError } from '../../shared/protocol';
import { connectHelper, type ConnectHelperOptions, type HelperConnection } from './helperClient';
import { checkSocketFile, helperCommands, HelperSocketError, prepareSocketDir, type HelperCommands } from './helperSocket';

export interface ScopeRouterOptions {
  /** The app's own service: this process's view. */
  local: KeyringApi;
  /** The desktop user (this process's uid). */
  uid: number;
  socketPath: string;
  /** What runs bin/keyring-browser (helperLauncher()). */
  launcher: readonly string[];
  /** pkexec's path, or null where polkit's pkexec is not installed. */
  pkexecPath: string | null;
  connect?: (options: ConnectHelperOptions) => Promise<HelperConnection>;
  /** Starts pkexec; resolves with its exit code if it ends (the helper, once started, keeps it running). */
  runPkexec?: (argv: string[]) => { exited: Promise<number | null> };
  /** How long startHelper waits for the helper's socket (polkit asks for a password first). */
  startWaitMs?: number;
  log?: (line: string) => void;
}

type Listener = (event: KeyringEvent) => void;

/** The methods the router answers itself; every other goes to the view shown now. */
const OWN = new Set<MethodName>(['getCapabilities', 'setScope', 'startHelper']);

export class ScopeRouter {
  /** The helper's connection while All users is shown; null while this process's view is. */
  private helper: HelperConnection | null = null;
  private helperActionsAllowed = false;
  /** Why the helper could not be used last time (missing, refused, stopped): shown with the command. */
  private helperTrouble: string | null = null;
  private readonly listeners = new Set<Listener>();
  private unsubscribeActive: () => void;
  private switching: Promise<unknown> = Promise.resolve();
  readonly commands: HelperCommands;
  readonly api: KeyringApi;

  constructor(private readonly options: ScopeRouterOptions) {
    this.commands = helperCommands(options.launcher, options.socketPath, options.uid, options.pkexecPath);
    this.unsubscribeActive = options.local.subscribe((event) => this.emit(event));
    const forward = eachMethod((method) =>
      OWN.has(method) ? undefined : (...args: unknown[]) => (this.active() as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args),
    );
    this.api = {
      ...(forward as unknown as ContractMethods),
      getCapabilities: () => this.capabilities(),
      setScope: (scope: SwitchableScope) => this.serialized(() => this.setScope(scope)),
      startHelper: () => this.serialized(() => this.startHelper()),
      subscribe: (listener: Listener) => {
        this.listeners.add(listener);
        return () => void this.listeners.delete(listener);
      },
    };
  }

  private active(): KeyringApi {
    return this.helper?.api ?? this.options.local;
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.switching.then(run, run);
    this.switching = next.catch(() => undefined);
    return next;
  }

  async capabilities(): Promise<Capabilities> {
    const own = await this.options.local.getCapabilities();
    const provider = this.helper?.provider ?? own.view?.provider ?? { kind: 'process' as const, uid: this.options.uid, pid: process.pid };
    const view: ViewInfo = { scope: this.helper ? { kind: 'all' } : { kind: 'process' }, provider };
    if (!this.helper) view.helper = this.hint();
    return { ...own, actionsAllowed: this.helper ? this.helperActionsAllowed : own.actionsAllowed, view };
  }

  private hint(): HelperHint {
    let reason = this.helperTrouble;
    if (reason === null) {
      try {
        checkSocketFile(this.options.socketPath, this.options.uid);
        reason = 'a helper is running: switch to All users to connect';
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
    }
    return { reason, sudo: this.commands.sudo, pkexec: this.commands.pkexec !== null };
  }

  private async setScope(scope: SwitchableScope): Promise<Capabilities> {
    if (scope === 'process') {
      if (this.helper) {
        this.helper.close();
        this.helper = null;
        this.helperTrouble = null;
        await this.show(this.options.local, true);
      }
      return this.capabilities();
    }
    if (this.helper) return this.capabilities();
    try {
      // The socket's private directory must exist before a helper can be started on it.
      prepareSocketDir(this.options.socketPath, this.options.uid);
    } catch (err) {
      this.helperTrouble = err instanceof Error ? err.message : String(err);
      return this.capabilities();
    }
    let connection: HelperConnection;
    try {
      connection = await (this.options.connect ?? connectHelper)({ socketPath: this.options.socketPath, uid: this.options.uid });
      this.helperActionsAllowed = (await connection.api.getCapabilities()).actionsAllowed;
    } catch (err) {
      this.helperTrouble = err instanceof Error ? err.message : String(err);
      this.options.log?.(`keyring-browser: the all-users view is not available: ${this.helperTrouble}`);
      return this.capabilities();
    }
    this.helperTrouble = null;
    this.helper = connection;
    connection.onLost((reason) => {
      if (this.helper !== connection) return;
      this.helper = null;
      this.helperTrouble = `${reason}; showing this process's keys again`;
      this.options.log?.(`keyring-browser: ${this.helperTrouble}`);
      void this.show(this.options.local, true).catch(() => {});
    });
    await this.show(connection.api, false);
    return this.capabilities();
  }

  /** Listens to `view` instead of the one shown, pauses or resumes this process's own, and resyncs listeners. */
  private async show(view: KeyringApi, localShown: boolean): Promise<void> {
    this.unsubscribeActive();
    this.unsubscribeActive = view.subscribe((event) => this.emit(event));
    await (localShown ? this.options.local.resume() : this.options.local.pause()).catch(() => {});
    const snapshot = await view.getSnapshot();
    this.emit({ type: 'snapshot', snapshot });
    this.emit({ type: 'status', status: await view.getStatus() });
  }

  private async startHelper(): Promise<Capabilities> {
    const argv = this.commands.pkexec;
    if (argv === null) throw new KeyringApiError('forbidden', `pkexec is not installed here: run the helper in a terminal: ${this.commands.sudo}`);
    try {
      prepareSocketDir(this.options.socketPath, this.options.uid);
    } catch (err) {
      throw new KeyringApiError('internal', err instanceof Error ? err.message : String(err));
    }
    const run = this.options.runPkexec ?? runDetached;
    const { exited } = run(argv);
    const waitMs = this.options.startWaitMs ?? 120_000;
    const outcome = await Promise.race([
      exited.then((code) => ({ exited: code })),
      waitForSocket(this.options.socketPath, this.options.uid, waitMs).then((ok) => ({ socket: ok })),
    ]);
    if ('exited' in outcome) {
      // pkexec's own codes: 126 the user dismissed the dialog or was not authorized, 127 not authorized.
      const why = outcome.exited === 126 || outcome.exited === 127 ? 'the request was dismissed or not authorized' : `it exited with status ${outcome.exited}`;
      this.helperTrouble = `pkexec did not start the helper: ${why}`;
      return this.capabilities();
    }
    if (!outcome.socket) {
      this.helperTrouble = `the helper's socket did not appear within ${waitMs / 1000} s of asking pkexec`;
      return this.capabilities();
    }
    return this.setScope('all');
  }

  private emit(event: KeyringEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener must not starve the others.
      }
    }
  }

  /** Closes the helper connection (the helper keeps running: it belongs to the user's terminal or pkexec). */
  close(): void {
    this.helper?.close();
    this.helper = null;
    this.unsubscribeActive();
    this.listeners.clear();
  }
}

/** What runs bin/keyring-browser from Electron main: Electron's own binary as Node, or Node itself. */
export function helperLauncher(): string[] {
  const bin = resolve(__dirname, '..', '..', '..', 'bin', 'keyring-browser');
  return process.versions.electron ? ['env', 'ELECTRON_RUN_AS_NODE=1', process.execPath, bin] : [process.execPath, bin];
}

/** polkit's pkexec, where installed. */
export function findPkexec(candidates = ['/usr/bin/pkexec', '/bin/pkexec']): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

function runDetached(argv: string[]): { exited: Promise<number | null> } {
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore', detached: true });
  child.unref();
  return { exited: new Promise((done) => child.once('exit', (code) => done(code)).once('error', () => done(null))) };
}

async function waitForSocket(path: string, uid: number, waitMs: number): Promise<boolean> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      checkSocketFile(path, uid);
      return true;
    } catch (err) {
      if (!(err instanceof HelperSocketError) || Date.now() > until) return false;
    }
    await new Promise((r) => setTimeout(r, 250).unref());
  }
}

