// The status bar when the engine stumbles: serve's scan thread dies in the middle of a scan (the
// KB_TEST_SCAN_THREAD_EXIT_FILE hook, threads/scanWorker.ts: nothing outside a process can kill one of
// its threads for real). The view goes on with a fresh thread, and the status bar says it happened.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, FIRST_SCAN_MS } from './support/page';

let server: RunningServer;
const exitFile = join(mkdtempSync(join(tmpdir(), 'kb-e2e-fault-')), 'exit-scan-thread');

test.beforeAll(async () => {
  joinOwnSession();
  server = await startServe(['--interval', '250'], { KB_TEST_SCAN_THREAD_EXIT_FILE: exitFile });
});

test.afterAll(async () => {
  await server?.stop();
});

test('a scan thread killed mid-scan: the status bar says "scanner restarted", and new keys still appear', async ({ page }) => {
  const before = Number(keyctl('add', 'user', 'st-before', 'x', '@s'));
  await page.goto(server.url);
  await expect(row(page, before)).toBeVisible({ timeout: FIRST_SCAN_MS });
  const status = page.getByRole('status');
  await expect(status).not.toContainText('scanner restarted');

  writeFileSync(exitFile, '');
  await expect(status).toContainText(/scanner restarted \(last at \d\d:\d\d:\d\d\)/);
  await expect(status.getByText(/scanner restarted/)).toHaveAttribute('title', /scan thread exited \(code 70\)/);

  const after = Number(keyctl('add', 'user', 'st-after', 'x', '@s'));
  await expect(row(page, after)).toBeVisible();
  await expect(status).not.toContainText('scan failed');
});
