// The Electron app end to end, with Playwright's _electron. It runs only where Electron's binary is
// installed (it cannot be downloaded on the CI machines); elsewhere it is skipped, saying why.
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { electronBinary } from '../electron/cli/app';
import { METHOD_NAMES } from '../shared/contract';
import path from 'node:path';
import { joinOwnSession, keyctl } from './support/session';

const ROOT = path.join(__dirname, '..');

const binary = electronBinary();
// Skipped, saying why, where the Electron binary is missing (it cannot be downloaded on these machines).
const SKIP_REASON = 'Electron binary not installed (node_modules/electron/dist/electron is missing; it cannot be downloaded here): Electron e2e skipped';
if (!binary) console.log(`electron.spec.ts: ${SKIP_REASON}`);
test.skip(!binary, SKIP_REASON); // Electron binary missing: see SKIP_REASON

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  // The app inherits this worker's private session keyring, so it sees exactly the keys made here.
  joinOwnSession();
  app = await electron.launch({
    executablePath: binary!,
    // Root (as on CI) needs --no-sandbox for Chromium's own process sandbox; the renderer's
    // `sandbox: true` web preference is unaffected.
    args: ['--no-sandbox', path.join(ROOT, 'dist', 'electron', 'main.js')],
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
});

test('opens our bundle from app:// with the window locked down', async () => {
  expect(page.url()).toBe('app://bundle/index.html');
  // getLastWebPreferences is undocumented (absent from the typings); where it exists it shows what Chromium really got.
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as { getLastWebPreferences?: () => unknown };
    return contents.getLastWebPreferences?.() ?? null;
  });
  if (prefs) expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    api: Object.keys((globalThis as unknown as { keyringApi: object }).keyringApi).sort(),
  }));
  expect(globals.require).toBe('undefined');
  expect(globals.process).toBe('undefined');
  // Exactly the contract's methods and subscribe: no raw channels, nothing else.
  expect(globals.api).toEqual([...METHOD_NAMES, 'subscribe'].sort());
});

test('denies window.open and navigation away', async () => {
  // (The callbacks run in the page; this file is type-checked without the DOM library.)
  type PageGlobals = { open(url: string): unknown; location: { href: string } };
  expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com/') === null)).toBe(true);
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://bundle/index.html');
  expect(app.windows()).toHaveLength(1);
});

test('shows a key added with keyctl, live', async () => {
  const id = Number(keyctl('add', 'user', `kb-e2e-electron-${process.pid}`, 'payload', '@s'));
  await expect(page.locator(`[data-key-id="${id}"]`).first()).toBeVisible({ timeout: 10_000 });
  keyctl('revoke', String(id));
  await expect(page.locator(`[data-key-id="${id}"]`).first()).toHaveAttribute('data-key-flags', /R/, { timeout: 10_000 });
});

test('screenshot draws with Electron’s capturePage and writes a PNG', () => {
  // The `screenshot` command picks Electron where its binary is installed; --engine forces it here.
  // (Needs a display, as the app does: run under xvfb-run where there is none.)
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'kb-electron-shot-')), 'tree.png');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'keyring-browser'), 'screenshot', '--engine', 'electron', '--out', out], { timeout: 60_000, stdio: 'inherit' });
  expect(readFileSync(out).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
});
