// A stand-in for the `electron` module (its binary cannot be downloaded here). It records what main.ts,
// the IPC binding and the preload do with it: window options, protocol handlers, permission handlers,
// IPC handlers, pushes and exposed APIs, so tests can inspect and drive them.
//
// Typed against Electron's own declarations (the electron package ships electron.d.ts without its binary):
// every export the stand-in offers must be one of Electron's, and every member it offers must fit the real
// member's type, so a fake that drifts from Electron fails `npm run typecheck`. Members that only tests use
// (handlers, invoked, instances, …) are the stand-in's own. fakeElectron.test.ts checks that it offers every
// export the Electron sources import.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD_NAMES } from '../../../shared/contract';
import { IPC_METHODS_CHANNEL } from '../../../shared/ipcChannels';
import type {
  App,
  BaseWindow,
  ContextBridge,
  Dialog,
  IpcMain,
  IpcRenderer,
  Menu as RealMenu,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  NativeTheme,
  OpenDialogOptions,
  OpenDialogReturnValue,
  SaveDialogOptions,
  SaveDialogReturnValue,
  Protocol,
  BrowserWindow as RealBrowserWindow,
  Display,
  Rectangle,
  Screen,
  Session,
  WebContents,
} from 'electron';

type Electron = typeof import('electron');

/**
 * `Fake` as a stand-in for `Real`: each member it shares with Real must be assignable to Real's; members
 * Real lacks are the fake's own (what it records for tests). EventEmitter's methods are Node's own and
 * return `this`, which no fake can make an App or a WebContents, so they are not compared.
 */
type StandIn<Real, Fake> = {
  [K in keyof Fake]: K extends keyof EventEmitter ? Fake[K] : K extends keyof Real ? Member<Real[K], Fake[K]> : Fake[K];
};
/** A method must fit Electron's; an object member (a window's webContents) is itself a stand-in. */
type Member<Real, Fake> = Real extends (...args: never[]) => unknown ? Real : Real extends object ? StandIn<Real, Fake> : Real;
/** Checks `fake` against `Real` (a compile error names the member that drifted) and returns it unchanged. */
function standIn<Real>() {
  return <Fake extends StandIn<Real, Fake>>(fake: Fake): Fake => fake;
}
/** The stand-in module: every export it offers must be one of Electron's, by name. */
function electronModule<Fake extends { [K in keyof Fake]: K extends keyof Electron ? unknown : never }>(fake: Fake): Fake {
  return fake;
}

type WindowOpenHandler = Parameters<WebContents['setWindowOpenHandler']>[0];

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeFrame('');
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;
  getURL(): string {
    return this.mainFrame.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
}

standIn<WebContents>()(new FakeWebContents());

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}
export function fakeEvent(): FakeEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

/** A monitor as Electron describes it, with `workArea` (the screen less its panels) inside `bounds`. */
export function fakeDisplay(id: number, bounds: Rectangle, workArea: Rectangle = bounds): Display {
  return {
    id,
    label: `monitor ${id}`,
    bounds,
    workArea,
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: workArea.width, height: workArea.height },
    nativeOrigin: { x: bounds.x, y: bounds.y },
    maximumCursorSize: { width: 64, height: 64 },
    scaleFactor: 1,
    rotation: 0,
    colorDepth: 24,
    colorSpace: 'srgb',
    depthPerComponent: 8,
    displayFrequency: 60,
    detected: true,
    internal: false,
    monochrome: false,
    accelerometerSupport: 'unknown',
    touchSupport: 'unknown',
  };
}

export function createFakeElectron() {
  const app = standIn<App>()(Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    sandboxEnabled: false,
    enableSandbox() {
      this.sandboxEnabled = true;
    },
    quitCalls: 0,
    quit() {
      this.quitCalls++;
    },
    exit: (_code?: number) => {},
    /** What requestSingleInstanceLock answers: false plays a second launch. */
    singleInstanceLock: true,
    requestSingleInstanceLock(): boolean {
      return this.singleInstanceLock;
    },
    getVersion: () => '0.1.0',
    /** Every folder getPath names: one throwaway folder per stand-in (the window's state goes there). */
    userData: mkdtempSync(join(tmpdir(), 'kb-fake-userdata-')),
    getPath(_name: Parameters<App['getPath']>[0]): string {
      return this.userData;
    },
  }));

  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
      this.bounds = { x: Number(options.x ?? 0), y: Number(options.y ?? 0), width: Number(options.width ?? 800), height: Number(options.height ?? 600) };
      BrowserWindow.instances.push(this);
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }
    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.mainFrame.url = url;
    }
    show(): void {}
    isDestroyed(): boolean {
      return false;
    }
    minimized = false;
    focused = 0;
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    focus(): void {
      this.focused++;
    }
    /** The bounds a test says the window has now (the options it was made with, until then). */
    bounds = { x: 0, y: 0, width: 0, height: 0 };
    maximized = false;
    getNormalBounds() {
      return { ...this.bounds };
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    maximize(): void {
      this.maximized = true;
    }
  }

  // A check of the class's type only: no window is made (`new BrowserWindow({})` here would also read, to
  // the Electron security lint, as app code making a window without its security switches).
  standIn<RealBrowserWindow>()(undefined as unknown as BrowserWindow);

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = standIn<IpcMain>()(Object.assign(new EventEmitter(), {
    handlers,
    handle(channel: string, fn: Parameters<IpcMain['handle']>[1]) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      // Tests call it with the fake events of ipcEvent() below.
      handlers.set(channel, fn as (event: unknown, ...args: unknown[]) => unknown);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  }));

  const protocol = standIn<Protocol>()({
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, fn: (request: Request) => Promise<Response> | Response) {
      this.handlers.set(scheme, fn);
    },
  });

  const defaultSession = standIn<Session>()(Object.assign(new EventEmitter(), {
    permissionRequestHandler: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    setPermissionRequestHandler(fn: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void) {
      this.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn: (...args: unknown[]) => boolean) {
      this.permissionCheckHandler = fn;
    },
  }));

  const exposed = new Map<string, unknown>();
  const contextBridge = standIn<ContextBridge>()({
    exposeInMainWorld(key: string, api: unknown) {
      exposed.set(key, api);
    },
  });

  const ipcRenderer = standIn<IpcRenderer>()(Object.assign(new EventEmitter(), {
    invoked: [] as unknown[][],
    sentToMain: [] as unknown[][],
    invoke(channel: string, ...args: unknown[]) {
      this.invoked.push([channel, ...args]);
      return Promise.resolve({ ok: true, result: null });
    },
    send(channel: string, ...args: unknown[]) {
      this.sentToMain.push([channel, ...args]);
    },
    /** Synchronous questions to main, answered from `syncAnswers`: the method names as main gives them by default. */
    syncAnswers: new Map<string, unknown>([[IPC_METHODS_CHANNEL, [...METHOD_NAMES]]]),
    syncAsked: [] as string[],
    sendSync(channel: string) {
      this.syncAsked.push(channel);
      return this.syncAnswers.get(channel);
    },
  }));

  /**
   * Native dialogs: each call is recorded; a message box is answered with `nextResponse` (a button index),
   * an open dialog with `nextOpen` (canceled when empty), a save dialog with `nextSave` (canceled when null).
   */
  const dialog = {
    shown: [] as { parent: BaseWindow | null; options: MessageBoxOptions }[],
    nextResponse: 1,
    async showMessageBox(parentOrOptions: BaseWindow | MessageBoxOptions, maybeOptions?: MessageBoxOptions): Promise<MessageBoxReturnValue> {
      const parent = maybeOptions ? (parentOrOptions as BaseWindow) : null;
      this.shown.push({ parent, options: maybeOptions ?? (parentOrOptions as MessageBoxOptions) });
      return { response: this.nextResponse, checkboxChecked: false };
    },
    opened: [] as OpenDialogOptions[],
    nextOpen: [] as string[],
    async showOpenDialog(parentOrOptions: BaseWindow | OpenDialogOptions, maybeOptions?: OpenDialogOptions): Promise<OpenDialogReturnValue> {
      this.opened.push(maybeOptions ?? (parentOrOptions as OpenDialogOptions));
      return { canceled: this.nextOpen.length === 0, filePaths: [...this.nextOpen] };
    },
    saved: [] as SaveDialogOptions[],
    nextSave: null as string | null,
    async showSaveDialog(parentOrOptions: BaseWindow | SaveDialogOptions, maybeOptions?: SaveDialogOptions): Promise<SaveDialogReturnValue> {
      this.saved.push(maybeOptions ?? (parentOrOptions as SaveDialogOptions));
      return this.nextSave === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: this.nextSave };
    },
  };
  standIn<Dialog>()(dialog);

  /** The monitors: one 1920×1080 screen with a 30 px panel at the bottom, until a test sets `displays`. */
  const screen = standIn<Screen>()(Object.assign(new EventEmitter(), {
    displays: [fakeDisplay(1, { x: 0, y: 0, width: 1920, height: 1080 }, { x: 0, y: 0, width: 1920, height: 1050 })],
    getAllDisplays(): Display[] {
      return [...this.displays];
    },
    getPrimaryDisplay(): Display {
      return this.displays[0]!;
    },
  }));

  const nativeTheme = standIn<NativeTheme>()({ themeSource: 'system' as 'system' | 'light' | 'dark' });

  /** The application menu: the template it was last built from, as set. */
  const Menu = {
    application: null as MenuItemConstructorOptions[] | null,
    buildFromTemplate(template: MenuItemConstructorOptions[]): RealMenu {
      return { template } as unknown as RealMenu;
    },
    setApplicationMenu(menu: RealMenu | null) {
      this.application = menu ? (menu as unknown as { template: MenuItemConstructorOptions[] }).template : null;
    },
  };
  standIn<typeof RealMenu>()(Menu);

  const module = electronModule({
    app,
    BrowserWindow,
    dialog,
    ipcMain,
    Menu,
    nativeTheme,
    protocol,
    screen,
    session: { defaultSession },
    contextBridge,
    ipcRenderer,
  });
  return { module, app, BrowserWindow, ipcMain, Menu, nativeTheme, protocol, screen, defaultSession, exposed, ipcRenderer, dialog };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** What Electron hands a window-open handler when a page asks for a new window at `url`. */
export function windowOpenRequest(url: string): Parameters<WindowOpenHandler>[0] {
  return { url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' } };
}

/** An IPC event as Electron builds it: who sent it and from which frame. */
export function ipcEvent(sender: FakeWebContents, frame: FakeFrame | null = sender.mainFrame) {
  return { sender, senderFrame: frame };
}

/**
 * The instance a test file hands to `vi.mock('electron', () => fakeElectron.module)`. (Each test file runs
 * in its own module graph, so each gets its own.)
 */
export const fakeElectron = createFakeElectron();
