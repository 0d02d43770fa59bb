// Electron's main process: a table of contents. Each setupX() below does one thing; the engine and
// the service know nothing of Electron, and electron/ipc is the only bridge to the renderer.
import { app, BrowserWindow, nativeTheme, protocol, screen, session, type WebContents } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppCommand } from '../shared/api';
import { rendererCsp, securityHeaders } from '../shared/csp';
import { setupIpc } from './ipc/bindService';
import { windowReadOnlySwitch } from './ipc/readOnlyDialog';
import { APP_HOST, APP_ENTRY_URL, APP_SCHEME, isAppUrl } from './ipc/trust';
import type { SnapshotSource } from './keyring/source';
import { createWorkerSnapshotSource } from './threads/scanThread';
import { findBundleFile } from './bundle/bundleFiles';
import { KeyringService } from './service/keyringService';
import { defaultHelperSocketPath } from './helper/helperSocket';
import { findPkexec, helperLauncher, ScopeRouter } from './helper/scopeRouter';
import type * as CaptureModule from './cli/capture';
import { withCommandStream } from './desktop/commandStream';
import { DesktopApp, filesInArgv } from './desktop/desktopCommands';
import { askWhereToSave } from './desktop/exportDialog';
import { DEFAULT_SIZE, placeOnScreens, readWindowState, saveWindowState, windowStateOf } from './desktop/windowState';

export interface MainOptions {
  /** Where the built renderer lives (dist/renderer). */
  rendererDir?: string;
  /** The engine's snapshot source; the worker-backed one by default. */
  createSource?: () => SnapshotSource;
  /** The command line (process.argv by default): a capture request (cli/capture.ts) takes a picture and quits. */
  argv?: readonly string[];
  /** Where the privileged helper's socket is (the all-users view); defaultHelperSocketPath by default. */
  helperSocketPath?: string;
}

// Both must run before the app is ready.
app.enableSandbox(); // every renderer sandboxed, whatever a window's options say
registerAppScheme(); // app:// behaves like https (secure context, fetch, workers)

export async function main(options: MainOptions = {}): Promise<void> {
  const rendererDir = options.rendererDir ?? join(__dirname, '..', 'renderer');
  const argv = options.argv ?? process.argv;
  const capture = await loadCapture(argv);
  // One window per user: a second launch hands its files to the first (second-instance below) and quits.
  // A picture (`screenshot`) is its own short-lived app, beside any open window.
  if (!capture && !app.requestSingleInstanceLock()) return app.quit();
  setupNavigationLockdown();
  await app.whenReady();
  setupPermissionDenial();
  setupExportDialogs();
  setupAppProtocol(rendererDir);
  const createSource = options.createSource ?? createWorkerSnapshotSource;
  const plan = capture ? capture.module.capturePlan(capture.options, createSource) : null;
  const service = setupService(plan?.createSource ?? createSource);
  if (capture) nativeTheme.themeSource = capture.options.theme;
  const window = createMainWindow(capture?.options);
  // The desktop user is the machine's own user: actions are reachable, behind main's read-only switch (on at
  // start, off only after a native confirmation) and the confirmations of destructive ones. `serve` stays
  // read-only unless --allow-actions.
  const readOnly = windowReadOnlySwitch(() => window);
  const views = setupScopeRouter(service, options.helperSocketPath);
  const commands = withCommandStream(views.api);
  setupIpc({ service: commands.api, getTrustedContents: () => liveContents(window), allowActions: true, readOnly });
  const desktop = capture ? null : setupDesktop(window, commands.push, views, argv);
  setupLifecycle(service, views, desktop);
  if (capture && plan) void capture.module.runCapture(window.webContents, capture.options, plan, (code) => app.exit(code));
}

/**
 * The menu bar, the files named on the command line (`keyring-browser FILE.json`), and a second launch's:
 * it focuses this window and opens its files here (desktop/).
 */
function setupDesktop(window: BrowserWindow, toPage: (command: AppCommand) => void, views: ScopeRouter, argv: readonly string[]): DesktopApp {
  const desktop = new DesktopApp({ window: () => (window.isDestroyed() ? null : window), toPage, recordable: views.api, log: (line) => console.warn(line) });
  desktop.installMenu();
  for (const file of filesInArgv(argv, process.cwd())) void desktop.openPath(file);
  app.on('second-instance', (_event, secondArgv, cwd) => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
    for (const file of filesInArgv(secondArgv, cwd)) void desktop.openPath(file);
  });
  return desktop;
}

/**
 * `screenshot` where Electron runs: the CLI's half that runs here (cli/capture.ts) is loaded only when its
 * request (the CLI's options as JSON, made by captureArg) is on the command line.
 */
async function loadCapture(argv: readonly string[]): Promise<{ module: typeof CaptureModule; options: CaptureModule.CaptureOptions } | null> {
  if (!argv.some((a) => a.startsWith('--kb-capture='))) return null;
  const module = await import('./cli/capture.js');
  const options = module.captureRequest(argv);
  return options ? { module, options } : null;
}

function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** No page may navigate anywhere, open windows or embed webviews: the app is one page. */
function setupNavigationLockdown(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** Camera, notifications, clipboard-read, …: the app needs none, so every request is refused. */
function setupPermissionDenial(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Export: every download the page starts (export/download.ts) is saved where the native save dialog says. */
function setupExportDialogs(): void {
  session.defaultSession.on('will-download', (_event, item) => askWhereToSave(item));
}

/** Serves dist/renderer as app://bundle/, every response under the strict CSP. */
function setupAppProtocol(rendererDir: string): void {
  const headers = securityHeaders(rendererCsp());
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    // The same rule as serve's (bundle/bundleFiles.ts); source maps stay out of the window.
    const file = url.host === APP_HOST ? await findBundleFile(rendererDir, url.pathname, { sourceMaps: false }) : null;
    const body = file ? await readFile(file.path).catch(() => null) : null;
    if (!file || !body) return new Response('Not found', { status: 404, headers });
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': file.contentType } });
  });
}

function setupService(createSource: () => SnapshotSource): KeyringService {
  return new KeyringService({ source: createSource() }).start();
}

/**
 * "This process | All users": the window never runs as root (Chromium will not), so every user's keys come
 * from the privileged helper over its Unix socket, which only this main process talks to (helper/).
 */
function setupScopeRouter(service: KeyringService, socketPath?: string): ScopeRouter {
  const uid = process.getuid?.() ?? 0;
  return new ScopeRouter({
    local: service,
    uid,
    socketPath: socketPath ?? defaultHelperSocketPath(uid),
    launcher: helperLauncher(),
    pkexecPath: findPkexec(),
    log: (line) => console.warn(line),
  });
}

/**
 * The main window. A picture (`screenshot`) gets the size it asked for; otherwise the window opens where it
 * was last closed (desktop/windowState.ts), if that is still on a screen, and remembers that when it closes
 * again. (`screen` answers only once the app is ready, as it is here.)
 */
function createMainWindow(picture?: { width: number; height: number; view: 'tree' | 'graph' }): BrowserWindow {
  const statePath = join(app.getPath('userData'), 'window-state.json');
  const saved = picture ? null : readWindowState(statePath);
  const remembered = saved && placeOnScreens(saved, screen.getAllDisplays().map((d) => d.workArea), screen.getPrimaryDisplay().workArea);
  const window = new BrowserWindow({
    width: picture?.width ?? remembered?.width ?? DEFAULT_SIZE.width,
    height: picture?.height ?? remembered?.height ?? DEFAULT_SIZE.height,
    ...(remembered?.x !== undefined && remembered.y !== undefined ? { x: remembered.x, y: remembered.y } : {}),
    show: false,
    title: 'Keyring Browser',
    // Spelled out here, not spread from a constant, so electronegativity can check each switch.
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows behind will-navigate's back.
      disableBlinkFeatures: 'Auxclick',
      preload: join(__dirname, 'preload.js'),
    },
  });
  window.once('ready-to-show', () => {
    if (remembered?.maximized) window.maximize();
    window.show();
  });
  if (!picture) window.on('close', () => saveWindowState(statePath, windowStateOf(window), (line) => console.warn(line)));
  void window.loadURL(picture?.view === 'graph' ? `${APP_ENTRY_URL}?view=graph` : APP_ENTRY_URL);
  return window;
}

function liveContents(window: BrowserWindow): WebContents | null {
  if (window.isDestroyed()) return null;
  const contents = window.webContents;
  return isAppUrl(contents.getURL()) || contents.getURL() === '' ? contents : null;
}

function setupLifecycle(service: KeyringService, views: ScopeRouter, desktop: DesktopApp | null): void {
  app.on('window-all-closed', () => {
    desktop?.close();
    views.close();
    void service.close().finally(() => app.quit());
  });
}

// Run when Electron starts this file; stay inert when a test imports it with a stand-in electron.
if (process.versions.electron) {
  main().catch((err: unknown) => {
    console.error('keyring-browser:', err);
    app.exit(1);
  });
}
