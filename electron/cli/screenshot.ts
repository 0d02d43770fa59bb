// `keyring-browser screenshot`: the app's picture, for documentation builds. Two engines (engine.ts):
// - Electron, where its binary is installed: the app is started with the options parsed here, as one
//   capture request (capture.ts's captureArg), and draws itself; capture.ts, running in the app, waits for
//   the view and writes webContents.capturePage()'s PNG.
// - chromium elsewhere (no display, no Electron): the app is served in this process (127.0.0.1, a free
//   port, the same service as `serve`), opened in headless chromium (Playwright drives Debian's
//   /usr/bin/chromium, or CHROMIUM_PATH), and the page's screenshot is written.
// Both wait for the same readiness signals (viewReady.ts). Never imports electron.
import type { KeyDetails } from '../../shared/api';
import { readKeyDetails } from '../service/keyDetails';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createWorkerSnapshotSource } from '../threads/scanThread';
import { startServer } from '../serve/server';
import { appDir } from './app';
import { captureArg, type CaptureOptions } from './capture';
import type { ScreenshotArgs } from './args';
import type { ScanScope } from '../../shared/snapshot';
import { CHROMIUM_ARGS, ScreenshotError } from './chromium';
import { pictureEngine } from './engine';
import { Redactor, redactingSource } from './redactingSource';
import { FOLD_CHANGE_LOG_SCRIPT, PAGE_TEXT_SCRIPT, userNodeSelector, viewReadyScript } from './viewReady';
import type { Browser, Page } from '@playwright/test';

/** `scope`: what the picture shows (a fixture with users shows every user's view, as --all-users); the process's by default. */
export type ScreenshotOptions = ScreenshotArgs & { scope?: ScanScope };

const DRAW_TIMEOUT_MS = 30_000;
const POLL_MS = 1000;

/** Resolves when the view shows keys: tree rows, or a finished graph layout with its nodes. */
async function waitForView(page: Page, view: 'tree' | 'graph'): Promise<void> {
  // Polled with evaluate, not waitForFunction: that one compiles its predicate inside the page, which the
  // app's CSP (no 'unsafe-eval') refuses.
  for (const start = Date.now(); (await page.evaluate(viewReadyScript(view))) !== true; await page.waitForTimeout(200)) {
    if (Date.now() - start > DRAW_TIMEOUT_MS) throw new ScreenshotError(`the ${view} view showed no keys within ${DRAW_TIMEOUT_MS / 1000} s`);
  }
  await page.locator(`[data-view="${view}"] [data-key-id]`).first().waitFor({ state: 'visible', timeout: DRAW_TIMEOUT_MS });
}

/** `id` is the id the page shows (the alias id under --redact); `realId` names the key in errors. */
async function selectKey(page: Page, view: 'tree' | 'graph', id: number, realId: number): Promise<void> {
  const target = page.locator(`[data-view="${view}"] [data-key-id="${id}"]`).first();
  const shown = await target.waitFor({ state: 'visible', timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  // Off screen (a long keyring in the virtualized tree, a folded group in the graph): search for its
  // id, as a person would, and select it. The search stays: clearing it would fold the row away again.
  const search = page.getByPlaceholder(/^Search/);
  if (!shown) await search.fill(`0x${id.toString(16)}`);
  try {
    await target.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    throw new ScreenshotError(`key ${realId} (0x${realId.toString(16)}) is not shown in the ${view} view, so it cannot be selected`);
  }
  await target.click();
  if (!shown) await search.blur();
  await page.locator('[aria-label="Kept alive by"], .details-panel, [data-pins-sentence]').first().waitFor({ timeout: 5_000 }).catch(() => {});
}

/** Clicks uid `shown`'s node in the Users section (`realUid` names it in errors), and waits for its details. */
async function selectUser(page: Page, view: 'tree' | 'graph', shown: number, realUid: number): Promise<void> {
  const target = page.locator(userNodeSelector(view, shown)).first();
  const shownAtOnce = await target.waitFor({ state: 'visible', timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (!shownAtOnce && view === 'tree') {
    // The tree draws only the rows on screen: a user below the fold (the ones before it expanded) has no row
    // yet. Scroll down a screen at a time, as a person would, until it is drawn or the tree ends.
    const scroller = page.locator('[data-view="tree"] .tree-scroll');
    for (let i = 0; i < 500 && !(await target.isVisible()); i++) {
      const moved = await scroller.evaluate((el) => {
        const before = el.scrollTop;
        el.scrollTop += el.clientHeight;
        return el.scrollTop !== before;
      });
      if (!moved) break;
      await page.waitForTimeout(30);
    }
  }
  try {
    await target.waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    throw new ScreenshotError(`uid ${realUid} has no node in the ${view} view's Users section (it shows one per uid of /proc/key-users in the system view: --all-users, or a fixture with users)`);
  }
  await target.click();
  await page.locator(`[data-user-details="${shown}"]`).waitFor({ timeout: 5_000 }).catch(() => {});
}

/** Renders the app and writes the PNG (and the text dump when asked), with the engine options.engine picks. */
export async function takeScreenshot(options: ScreenshotOptions, log: (line: string) => void = () => {}): Promise<void> {
  const engine = pictureEngine(options.engine);
  if (engine.kind === 'electron') {
    // The window must not run as root, and every user's view needs root: only the served page can show it.
    if ((options.scope?.kind ?? 'process') !== 'process') throw new ScreenshotError('a picture of every user\'s keys is drawn in chromium: add --engine chromium');
    return captureWithElectron(engine.binary, options, log);
  }
  return screenshotInChromium(engine.executablePath, options, log);
}

/** What the Electron app is asked to draw (capture.ts): the parsed options, with absolute paths. */
export function captureOptions(options: ScreenshotOptions): CaptureOptions {
  return {
    out: resolve(options.out),
    view: options.view,
    select: options.select,
    selectUser: options.selectUser,
    width: options.width,
    height: options.height,
    theme: options.theme,
    redact: options.redact, // --replace-uids sets it too (args.ts)
    replaceUids: options.replaceUids,
    hideLog: options.hideLog,
    dumpText: options.dumpText === null ? null : resolve(options.dumpText),
  };
}

/** Starts the Electron app in capture mode; it writes the picture and exits (1 with a sentence on stderr on failure). */
async function captureWithElectron(binary: string, options: ScreenshotOptions, log: (line: string) => void): Promise<void> {
  mkdirSync(dirname(resolve(options.out)), { recursive: true });
  // Root (as on CI) needs --no-sandbox for Chromium's own process sandbox; the renderer stays sandboxed.
  const args = [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), appDir(), captureArg(captureOptions(options))];
  log(`keyring-browser: drawing with Electron (${binary})`);
  const code = await new Promise<number>((done, fail) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => fail(new ScreenshotError(`could not start Electron (${err.message}); try --engine chromium.`)));
    child.on('exit', (c, signal) => done(c ?? (signal ? 1 : 0)));
  });
  if (code !== 0 || !existsSync(options.out)) throw new ScreenshotError(`Electron did not write ${options.out} (exit ${code}); try --engine chromium.`);
}

async function screenshotInChromium(executablePath: string, options: ScreenshotOptions, log: (line: string) => void): Promise<void> {
  const staticDir = resolve(join(__dirname, '..', '..', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new ScreenshotError(`the renderer is not built (${staticDir} has no index.html): run \`npm run build\`.`);
  }
  // Loaded here so other commands do not pay for Playwright.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('@playwright/test') as typeof import('@playwright/test');

  const inner = createWorkerSnapshotSource(options.scope ? { scope: options.scope } : {});
  // One redactor for the run, so ids and aliases stay put across polls (and --select can be translated).
  const redactor = options.redact ? new Redactor({ uids: options.replaceUids ? 'replace' : 'keep' }) : null;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: POLL_MS,
    allowActions: false,
    source: redactor ? redactingSource(inner, redactor) : inner,
    // The page's scope switch says whose keys these are (a fixture with users: All users, fixed).
    ...(options.scope ? { scope: options.scope } : {}),
    staticDir,
    log,
    // The page only knows alias ids: read the real key's details and answer under the alias.
    ...(redactor ? { readKeyDetails: (alias: number) => redactedKeyDetails(redactor, alias) } : {}),
  });
  let browser: Browser | null = null;
  try {
    try {
      browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    } catch (e) {
      throw new ScreenshotError(`chromium (${executablePath}) did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const page = await browser.newPage({ viewport: { width: options.width, height: options.height }, colorScheme: options.theme });
    const url = new URL(server.url);
    if (options.view === 'graph') url.searchParams.set('view', 'graph');
    await page.goto(url.toString());
    try {
      await waitForView(page, options.view);
      // Chromium's own processes change the user's process count (the `_uid.N` pins) while it starts, so
      // the first load shows them as changes. One poll later the count is steady: load again, so the
      // picture has no change-log noise and no highlights.
      await page.waitForTimeout(POLL_MS + 300);
      await page.reload();
      await waitForView(page, options.view);
    } catch {
      throw new ScreenshotError(`the ${options.view} view showed no keys within ${DRAW_TIMEOUT_MS / 1000} s`);
    }
    if (options.hideLog) {
      // Only when it is open: an empty log is folded already (and its toggle disabled).
      await page.evaluate(FOLD_CHANGE_LOG_SCRIPT);
      // The canvas grew: fit the graph to it again (the Controls' fit button, as a person would).
      if (options.view === 'graph') await page.locator('.react-flow__controls-fitview').click().catch(() => {});
      await page.waitForTimeout(400);
    }
    if (options.select !== null) {
      // The page knows keys by the ids it was shown: under --redact, the alias of the real id asked for.
      const shown = redactor ? redactor.knownId(options.select) : options.select;
      if (shown === undefined) throw new ScreenshotError(`key ${options.select} (0x${options.select.toString(16)}) is not among the keys this process sees, so it cannot be selected`);
      await selectKey(page, options.view, shown, options.select);
    }
    if (options.selectUser !== null) {
      const shown = redactor ? redactor.knownUid(options.selectUser) : options.selectUser;
      if (shown === undefined) throw new ScreenshotError(`uid ${options.selectUser} is not among the users this scan sees, so it cannot be selected`);
      await selectUser(page, options.view, shown, options.selectUser);
    }
    // Let fit-to-view and selection animations (300 ms) settle; nothing here measures time.
    await page.waitForTimeout(800);
    mkdirSync(dirname(resolve(options.out)), { recursive: true });
    await page.screenshot({ path: options.out });
    if (options.dumpText) writeFileSync(options.dumpText, String(await page.evaluate(PAGE_TEXT_SCRIPT)));
  } finally {
    await browser?.close();
    await server.close();
  }
}

/** A key's details for a redacting page: the real key's, under its alias id; never another key's. */
export function redactedKeyDetails(redactor: Redactor, alias: number): KeyDetails {
  const real = redactor.realId(alias);
  if (real === undefined) return { id: alias, security: null, securityError: 'no such key on this page' };
  return { ...readKeyDetails(real), id: alias };
}
