// Saved files in chromium: `open` shows a snapshot whose keys are gone from the kernel, read-only (no Live
// badge, no actions, the file's name and time instead); a recording replays with its slider.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startOpen, type RunningServer } from './support/serve';
import { row, details } from './support/page';
import { hexId as hex } from '../shared/keyIds';

const BIN = path.join(__dirname, '..', 'bin', 'keyring-browser');
const dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-files-'));

let server: RunningServer | null = null;
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

test('open: a key that no longer exists, no Live badge and no actions', async ({ page }) => {
  joinOwnSession();
  const gone = Number(keyctl('add', 'user', 'e2e-gone-since', 'x', '@s'));
  const file = path.join(dir, 'before.json');
  writeFileSync(file, execFileSync(process.execPath, [BIN, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  keyctl('invalidate', String(gone));
  expect(() => keyctl('rdescribe', String(gone))).toThrow();

  server = await startOpen(file);
  await page.goto(server.url);
  await expect(row(page, gone)).toBeVisible();
  const status = page.getByRole('status').filter({ hasText: 'before.json' });
  await expect(status).toContainText('Saved snapshot: before.json');
  await expect(status).toContainText(/taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  await expect(page.locator('.statusbar')).not.toContainText('Live');
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0);
  await expect(page.getByRole('switch', { name: /read-only/i })).toHaveCount(0);

  await row(page, gone).click();
  await expect(details(page)).toContainText(hex(gone));
  await expect(details(page).getByRole('region', { name: 'Actions' })).toHaveCount(0);
  await row(page, gone).click({ button: 'right' });
  await expect(page.getByRole('menu')).toHaveCount(0);
  await page.keyboard.press('x');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  // Search works on the file.
  await page.getByRole('searchbox').fill('e2e-gone-since');
  await expect(row(page, gone)).toBeVisible();
});
