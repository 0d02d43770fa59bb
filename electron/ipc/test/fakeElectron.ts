// A stand-in for the `electron` module (its binary cannot be downloaded here). It records what main.ts,
// the IPC binding and the preload do with it: window options, protocol handlers, permission handlers,
// IPC handlers, pushes and exposed APIs, so tests can inspect and drive them.
import { EventEmitter } from 'node:events';

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeFrame('');
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
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
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

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

export function createFakeElectron() {
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    sandboxEnabled: false,
    enableSandbox() {
      this.sandboxEnabled = true;
    },
    quit: () => {},
    exit: () => {},
  });

  class BrowserWindow extends EventEmitter {
    static instances: BrowserWindow[] = [];
    readonly webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(readonly options: Record<string, unknown>) {
      super();
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
  }

  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = Object.assign(new EventEmitter(), {
    handlers,
    handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  });

  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, fn: (request: Request) => Promise<Response> | Response) {
      this.handlers.set(scheme, fn);
    },
  };

  const defaultSession = {
    permissionRequestHandler: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheckHandler: null as null | ((...args: unknown[]) => boolean),
    setPermissionRequestHandler(fn: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void) {
      this.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn: (...args: unknown[]) => boolean) {
      this.permissionCheckHandler = fn;
    },
  };

  const exposed = new Map<string, unknown>();
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      exposed.set(key, api);
    },
  };

  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoked: [] as unknown[][],
    sentToMain: [] as unknown[][],
    invoke(channel: string, ...args: unknown[]) {
      this.invoked.push([channel, ...args]);
      return Promise.resolve({ ok: true, result: null });
    },
    send(channel: string, ...args: unknown[]) {
      this.sentToMain.push([channel, ...args]);
    },
  });

  /** Native message boxes: each call is recorded and answered with `nextResponse` (a button index). */
  const dialog = {
    shown: [] as { parent: unknown; options: Record<string, unknown> }[],
    nextResponse: 1,
    async showMessageBox(parentOrOptions: unknown, maybeOptions?: Record<string, unknown>) {
      const options = maybeOptions ?? (parentOrOptions as Record<string, unknown>);
      this.shown.push({ parent: maybeOptions ? parentOrOptions : null, options });
      return { response: this.nextResponse, checkboxChecked: false };
    },
  };

  const module = { app, BrowserWindow, ipcMain, protocol, session: { defaultSession }, contextBridge, ipcRenderer, dialog };
  return { module, app, BrowserWindow, ipcMain, protocol, defaultSession, exposed, ipcRenderer, dialog };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** An IPC event as Electron builds it: who sent it and from which frame. */
export function ipcEvent(sender: FakeWebContents, frame: FakeFrame | null = sender.mainFrame) {
  return { sender, senderFrame: frame };
}

/**
 * The instance a test file hands to `vi.mock('electron', () => fakeElectron.module)`. (Each test file runs
 * in its own module graph, so each gets its own.)
 */
export const fakeElectron = createFakeElectron();
