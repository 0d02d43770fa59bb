// `keyring-browser screenshot`: the app's picture without a display, for documentation builds. It serves
// the app in this process (127.0.0.1, a free port, the same service as `serve`), opens it in headless
// chromium (Playwright drives Debian's /usr/bin/chromium, or CHROMIUM_PATH), waits until the chosen view
// is drawn, selects a key if asked, and writes the PNG. Electron's capturePage is not used: this runs
// where no display and no Electron exist. Never imports electron.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createWorkerSnapshotSource } from '../keyring/workerSource';
import { startServer } from '../serve/server';
import type { ScreenshotArgs } from './args';
import { CHROMIUM_ARGS, requireChromium, ScreenshotError } from './chromium';
import { redactingSource } from './redactingSource';
import type { Browser, Page } from '@playwright/test';

export type ScreenshotOptions = ScreenshotArgs;

const DRAW_TIMEOUT_MS = 30_000;
const POLL_MS = 1000;

/** Resolves when the view shows keys: tree rows, or a finished graph layout with its nodes. */
async function waitForView(page: Page, view: 'tree' | 'graph'): Promise<void> {
  if (view === 'tree') {
    await page.locator('[data-view="tree"] [data-key-id]').first().waitFor({ state: 'visible', timeout: DRAW_TIMEOUT_MS });
  } else {
    // data-layout-thread appears once the first layout is applied; the status line goes when none is pending.
    await page.locator('[data-view="graph"] [data-layout-thread]').waitFor({ state: 'attached', timeout: DRAW_TIMEOUT_MS });
    await page.locator('[data-view="graph"] [data-key-id]').first().waitFor({ state: 'visible', timeout: DRAW_TIMEOUT_MS });
    await page.locator('[data-view="graph"] .graph-status').waitFor({ state: 'detached', timeout: DRAW_TIMEOUT_MS });
  }
}

async function selectKey(page: Page, view: 'tree' | 'graph', id: number): Promise<void> {
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
    throw new ScreenshotError(`key ${id} (0x${id.toString(16)}) is not shown in the ${view} view, so it cannot be selected`);
  }
  await target.click();
  if (!shown) await search.blur();
  await page.locator('[aria-label="Kept alive by"], .details-panel, [data-pins-sentence]').first().waitFor({ timeout: 5_000 }).catch(() => {});
}

/** Renders the app headlessly and writes the PNG (and the text dump when asked). */
export async function takeScreenshot(options: ScreenshotOptions, log: (line: string) => void = () => {}): Promise<void> {
  const executablePath = requireChromium();
  const staticDir = resolve(join(__dirname, '..', '..', 'renderer'));
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new ScreenshotError(`the renderer is not built (${staticDir} has no index.html): run \`npm run build\`.`);
  }
  // Loaded here so other commands do not pay for Playwright.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('@playwright/test') as typeof import('@playwright/test');

  const inner = createWorkerSnapshotSource();
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    intervalMs: POLL_MS,
    allowActions: false,
    source: options.redact ? redactingSource(inner) : inner,
    staticDir,
    log,
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
      await page.locator('section[aria-label="Change log"] .panel-toggle[aria-expanded="true"]').click();
      // The canvas grew: fit the graph to it again (the Controls' fit button, as a person would).
      if (options.view === 'graph') await page.locator('.react-flow__controls-fitview').click().catch(() => {});
      await page.waitForTimeout(400);
    }
    if (options.select !== null) await selectKey(page, options.view, options.select);
    // Let fit-to-view and selection animations (300 ms) settle; nothing here measures time.
    await page.waitForTimeout(800);
    mkdirSync(dirname(resolve(options.out)), { recursive: true });
    await page.screenshot({ path: options.out });
    if (options.dumpText) writeFileSync(options.dumpText, String(await page.evaluate('document.body.innerText')));
  } finally {
    await browser?.close();
    await server.close();
  }
}
