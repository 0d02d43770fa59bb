// The Add key dialog's target list (issue 15, item 6): this process's keyrings first, named by role, in the
// kernel's search order; a keyring the kernel would refuse to link into is offered disabled with the reason.
// The oracle for the refusal is keyctl: adding into it fails with EACCES.
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { allowChanges, row, FIRST_SCAN_MS, closes } from './support/page';

let server: RunningServer;
let session = 0;
let readOnlyRing = 0;
let writable = 0;

test.beforeAll(async () => {
  session = joinOwnSession();
  writable = Number(keyctl('newring', 'e2e-tg-open', '@s'));
  readOnlyRing = Number(keyctl('newring', 'e2e-tg-closed', '@s'));
  // view, read, search for possessor and user: no write, for anyone (root has no override for keys).
  keyctl('setperm', String(readOnlyRing), '0x0b0b0000');
  server = await startServe(['--interval', '500', '--allow-actions']);
});

test.afterAll(async () => {
  await server?.stop();
});

test("Add key offers this process's keyrings first by role, and a keyring it cannot write disabled with why", async ({ page }) => {
  let refused = '';
  try {
    execFileSync('keyctl', ['add', 'user', 'e2e-tg-x', 'y', String(readOnlyRing)], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    refused = String((e as { stderr?: string }).stderr);
  }
  expect(refused).toContain('Permission denied');

  await page.goto(server.url);
  await expect(row(page, writable)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await allowChanges(page);
  await row(page, session).click();
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog', { name: 'Add key' });
  const target = dialog.getByLabel('Into keyring');
  await expect(target).toHaveValue(String(session));
  const groups = target.locator('optgroup');
  await expect(groups.first()).toHaveAttribute('label', "This process's keyrings");
  await expect(groups.first().locator('option').first()).toHaveText(/^Session keyring: _ses \(0x[0-9a-f]{8}\)$/);
  const closed = target.locator(`option[value="${readOnlyRing}"]`);
  await expect(closed).toBeDisabled();
  await expect(closed).toHaveText(/e2e-tg-closed \(0x[0-9a-f]{8}\) — cannot link into it: no write permission$/);
  await expect(target.locator(`option[value="${writable}"]`)).toBeEnabled();

  await dialog.getByLabel('Description').fill('e2e-tg-added');
  await dialog.getByLabel('Payload (text)').fill('x');
  await target.selectOption(String(writable));
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await closes(dialog);
  expect(Number(keyctl('search', String(writable), 'user', 'e2e-tg-added'))).toBeGreaterThan(0);
});
