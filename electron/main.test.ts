// main.ts with a stand-in `electron` module: the window's options, the CSP, the app:// protocol,
// navigation/window.open/permission denial, and the IPC binding as main wires it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../shared/contract';
import { hexId } from '../shared/keyIds';
import { IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, ipcChannel } from '../shared/protocol';
import { snapshotFileText } from '../shared/snapshotFile';
import { testKey, testSnapshot } from '../shared/testing';
import { FakeFrame, FakeWebContents, fakeElectron as fake, fakeEvent, ipcEvent, windowOpenRequest } from './ipc/test/fakeElectron';
import { main } from './main';
import { FakeSource } from './service/test/fakeSource';

vi.mock('electron', () => fake.module);

const rendererDir = mkdtempSync(join(tmpdir(), 'kb-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyring Browser</title>');
const source = new FakeSource();
// The window was last closed here, this size (desktop/windowState.ts).
const windowStateFile = join(fake.app.getPath('userData'), 'window-state.json');
writeFileSync(windowStateFile, JSON.stringify({ x: 120, y: 60, width: 1100, height: 720, maximized: false }));

beforeAll(async () => {
  await main({ rendererDir, createSource: () => source });
});

const window = () => fake.BrowserWindow.instances[0]!;

describe('main window', () => {
  it('is created with every security switch on', () => {
    expect(fake.BrowserWindow.instances).toHaveLength(1);
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(String(prefs.preload)).toMatch(/preload\.js$/);
    expect(fake.app.sandboxEnabled).toBe(true);
  });

  it('loads our bundle from app://', () => {
    expect(window().loadedUrl).toBe('app://bundle/index.html');
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
  });
});

describe('app:// protocol', () => {
  const fetchApp = (url: string) => fake.protocol.handlers.get('app')!(new Request(url));

  it('serves the renderer under a strict CSP', async () => {
    const res = await fetchApp('app://bundle/index.html');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Keyring Browser');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves nothing outside the bundle', async () => {
    expect((await fetchApp('app://bundle/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await fetchApp('app://elsewhere/index.html')).status).toBe(404);
    expect((await fetchApp('app://bundle/missing.js')).status).toBe(404);
  });

  it("keeps serve's rules (bundle/bundleFiles.ts): no source map, no symlink leading out of the bundle", async () => {
    writeFileSync(join(rendererDir, 'index.js.map'), '{"sources":[]}');
    const outside = mkdtempSync(join(tmpdir(), 'kb-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'outside the bundle');
    symlinkSync(join(outside, 'secret.txt'), join(rendererDir, 'secret.txt'));
    expect((await fetchApp('app://bundle/index.js.map')).status).toBe(404);
    expect((await fetchApp('app://bundle/secret.txt')).status).toBe(404);
  });
});

describe('lockdown', () => {
  it('denies navigation, redirects, webviews and window.open in every web contents', () => {
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', fakeEvent(), contents);
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = fakeEvent();
      contents.emit(name, event, 'https://evil.example/');
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(contents.windowOpenHandler?.(windowOpenRequest('https://evil.example/'))).toEqual({ action: 'deny' });
    // The main window got the same treatment when it was created.
    expect(window().webContents.windowOpenHandler?.(windowOpenRequest('https://evil.example/'))).toEqual({ action: 'deny' });
  });

  it('refuses every permission request and check', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation']) {
      fake.defaultSession.permissionRequestHandler?.(window().webContents, permission, (granted: boolean) => answers.push(granted));
    }
    expect(answers).toEqual([false, false, false, false]);
    expect(fake.defaultSession.permissionCheckHandler?.(window().webContents, 'media')).toBe(false);
  });
});

describe('IPC as main wires it', () => {
  const invoke = (method: string, event: unknown, ...args: unknown[]) => fake.ipcMain.handlers.get(ipcChannel(method as never))!(event, ...args);

  it('registers exactly one handler per contract method', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map((m) => ipcChannel(m)).sort());
  });

  it('answers the main window', async () => {
    expect(await invoke('getSnapshot', ipcEvent(window().webContents))).toMatchObject({ ok: true, result: { seq: 0 } });
  });

  it('refuses a foreign sender, a sub-frame, and a page that is not our bundle', async () => {
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'app://bundle/index.html';
    expect(await invoke('getStatus', ipcEvent(stranger))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('getStatus', ipcEvent(window().webContents, new FakeFrame('app://bundle/index.html')))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const own = window().webContents;
    own.mainFrame.url = 'https://evil.example/';
    try {
      expect(await invoke('getStatus', ipcEvent(own))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    } finally {
      own.mainFrame.url = 'app://bundle/index.html';
    }
  });

  it('refuses bad arguments before the service sees them', async () => {
    const scans = source.scans;
    expect(await invoke('setPollInterval', ipcEvent(window().webContents), '1000')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(await invoke('getKeyDetails', ipcEvent(window().webContents), { id: 1 })).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(await invoke('refresh', ipcEvent(window().webContents), 'extra')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(source.scans).toBe(scans);
  });
});

describe('the read-only switch, held by main', () => {
  const invoke = (method: string, ...args: unknown[]) =>
    fake.ipcMain.handlers.get(ipcChannel(method as never))!(ipcEvent(window().webContents), ...args) as Promise<{
      ok: boolean;
      result?: unknown;
      error?: { code: string; message: string };
    }>;
  // A real key in the test's own session keyring: the oracle for whether an action ran is /proc/keys.
  const revokeTarget = () => Number.parseInt(execFileSync('keyctl', ['add', 'user', `kb-main-ro-${process.pid}`, 'x', '@s']).toString().trim(), 10);

  it('starts on: the page may not act, whatever it sends', async () => {
    expect(await invoke('getCapabilities')).toMatchObject({ ok: true, result: { actionsAllowed: true, readOnly: true } });
    const id = revokeTarget();
    const refused = await invoke('revokeKey', id);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/read-only switch is on/) } });
    expect(procKeysFlags(id)).not.toContain('R');
  });

  it('goes off only after the person says yes in a native dialog the page cannot answer', async () => {
    const before = fake.dialog.shown.length;
    fake.dialog.nextResponse = 1; // "Stay read-only"
    expect(await invoke('setReadOnly', false)).toMatchObject({ ok: true, result: { readOnly: true } });
    expect(fake.dialog.shown).toHaveLength(before + 1);
    expect(fake.dialog.shown.at(-1)).toMatchObject({ parent: window(), options: { message: expect.stringMatching(/change keys/), cancelId: 1, defaultId: 1 } });
    expect(await invoke('revokeKey', revokeTarget())).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    fake.dialog.nextResponse = 0; // "Allow changes"
    expect(await invoke('setReadOnly', false)).toMatchObject({ ok: true, result: { readOnly: false } });
    const id = revokeTarget();
    expect(await invoke('revokeKey', id)).toMatchObject({ ok: true });
    expect(procKeysFlags(id)).toContain('R');
  });

  it('goes back on at once, without asking', async () => {
    const before = fake.dialog.shown.length;
    expect(await invoke('setReadOnly', true)).toMatchObject({ ok: true, result: { readOnly: true } });
    expect(fake.dialog.shown).toHaveLength(before);
    expect(await invoke('revokeKey', revokeTarget())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a malformed switch request', async () => {
    expect(await invoke('setReadOnly', 'no')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
    expect(await invoke('setReadOnly')).toMatchObject({ ok: false, error: { code: 'bad-args' } });
  });
});

/** The flags column of key `id`'s /proc/keys line ('' when the key is not there). */
function procKeysFlags(id: number): string {
  const line = readFileSync('/proc/keys', 'utf8').split('\n').find((l) => l.startsWith(hexId(id)));
  return line?.split(/\s+/)[1] ?? '';
}

describe('the desktop app: menu, files on the command line, one instance', () => {
  it('puts up File, View and Help', () => {
    expect(fake.Menu.application?.map((m) => m.label)).toEqual(['&File', '&View', '&Help']);
  });

  it('a second launch focuses this window and opens its files here; the page hears it once it listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-second-'));
    const file = join(dir, 'handed.json');
    writeFileSync(file, snapshotFileText(testSnapshot([testKey(0x2a)])));
    window().minimized = true;
    const focused = window().focused;
    fake.app.emit('second-instance', fakeEvent(), ['/usr/lib/electron/electron', '/opt/kb', '--no-sandbox', 'handed.json'], dir, {});
    expect(window().minimized).toBe(false);
    expect(window().focused).toBe(focused + 1);
    fake.ipcMain.emit(IPC_READY_CHANNEL, ipcEvent(window().webContents));
    await vi.waitFor(() =>
      expect(window().webContents.sent).toContainEqual([IPC_EVENT_CHANNEL, { type: 'command', command: { kind: 'open-file', name: 'handed.json', text: readFileSync(file, 'utf8') } }]),
    );
  });

  it('opens where it was closed, and remembers where it is closed again', () => {
    expect(window().options).toMatchObject({ x: 120, y: 60, width: 1100, height: 720 });
    window().bounds = { x: 10, y: 20, width: 1300, height: 850 };
    window().maximized = true;
    window().emit('close', fakeEvent());
    expect(JSON.parse(readFileSync(windowStateFile, 'utf8'))).toEqual({ x: 10, y: 20, width: 1300, height: 850, maximized: true });
    window().maximized = false;
  });

  it('Export: a download the page starts is saved where the native save dialog says, with its kind as the filter', () => {
    const asked: unknown[] = [];
    const item = { getFilename: () => 'keyrings-tree-2026.png', setSaveDialogOptions: (o: unknown) => void asked.push(o) };
    fake.defaultSession.emit('will-download', fakeEvent(), item, window().webContents);
    expect(asked).toEqual([{ title: 'Export', defaultPath: 'keyrings-tree-2026.png', filters: [{ name: 'PNG picture', extensions: ['png'] }] }]);
  });

  it('a second instance itself hands over and quits: no window, no engine', async () => {
    const windows = fake.BrowserWindow.instances.length;
    const quits = fake.app.quitCalls;
    fake.app.singleInstanceLock = false;
    await main({ rendererDir, createSource: () => source });
    fake.app.singleInstanceLock = true;
    expect(fake.app.quitCalls).toBe(quits + 1);
    expect(fake.BrowserWindow.instances).toHaveLength(windows);
  });
});
