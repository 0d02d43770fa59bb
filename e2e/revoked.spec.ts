// A revoked key: the kernel refuses every action that looks the key up for use (EKEYREVOKED), so the
// window offers none of them, and says why on hover; unlinking still works (the kernel skips the key's
// validity for it), and is offered. The timeout shows what /proc/keys prints, `expd`, and why: revoking
// sets the key's expiry to that moment, and the collector removes it gc_delay later.
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, details, procKeysLine, allowChanges, FIRST_SCAN_MS, closes } from './support/page';
import { hexId as hex } from '../shared/keyIds';

let server: RunningServer;
let ring: number;
let revoked: number;

test.beforeAll(async () => {
  joinOwnSession();
  ring = Number(keyctl('newring', 'rv-ring', '@s'));
  revoked = Number(keyctl('add', 'user', 'rv-key', 'x', String(ring)));
  keyctl('revoke', String(revoked));
  server = await startServe(['--interval', '500', '--allow-actions']);
});

test.afterAll(async () => {
  await server?.stop();
});


/** The actions that name the selected key; Add key, Search and Get persistent keyring do not. */
const ON_THE_KEY = ['Update', 'Read payload', 'Link', 'Move', 'Revoke', 'Invalidate', 'Set timeout', 'Set permissions', 'Change owner'];

test('no action the kernel would refuse is offered on a revoked key, each says why; unlink is offered and works', async ({ page }) => {
  // The kernel's own word, first: /proc/keys prints `expd` for a revoked key at once.
  expect(procKeysLine(revoked)).toMatch(/^\S+ \S*R\S* +\d+ expd /);

  await page.goto(server.url);
  await expect(row(page, revoked)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await allowChanges(page);
  await row(page, revoked).click();
  await expect(details(page)).toContainText(hex(revoked));

  // One badge, "revoked", with its meaning on hover; not "expired" beside it.
  await expect(row(page, revoked).locator('.badge-revoked')).toHaveAttribute('title', /EKEYREVOKED/);
  await expect(row(page, revoked).locator('.badge-expired')).toHaveCount(0);
  await expect(row(page, revoked).locator('.col-expiry')).toHaveText('expd');
  // The timeout in the kernel's word, explained.
  await expect(details(page).getByTestId('revoked-expiry')).toContainText('expd');
  await expect(details(page).getByTestId('revoked-expiry')).toContainText('gc_delay');

  const toolbar = details(page).getByRole('toolbar', { name: 'Key actions' });
  for (const name of ON_THE_KEY) {
    const button = toolbar.getByRole('button', { name, exact: true });
    await expect(button, name).toBeDisabled();
    await expect(button, name).toHaveAttribute('title', /revoked.*EKEYREVOKED/);
  }
  await expect(toolbar.getByRole('button', { name: 'Unlink', exact: true })).toBeEnabled();

  // The menu says the same; its letters and the shortcuts refuse in words, without calling the kernel.
  await row(page, revoked).click();
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu');
  for (const name of ON_THE_KEY) await expect(menu.getByRole('menuitem', { name: new RegExp(`^${name}`) }), name).toHaveAttribute('aria-disabled', 'true');
  await expect(menu.getByRole('menuitem', { name: /^Unlink/ })).toHaveAttribute('aria-disabled', 'false');
  await page.keyboard.press('t');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(details(page).getByRole('alert')).toContainText('EKEYREVOKED');
  await page.screenshot({ path: test.info().outputPath('revoked-key.png') });

  // Unlinking works on a revoked key: the kernel agrees.
  await toolbar.getByRole('button', { name: 'Unlink', exact: true }).click();
  const confirm = page.getByRole('alertdialog');
  await confirm.getByRole('button', { name: 'Unlink', exact: true }).click();
  await closes(confirm);
  expect(keyctl('rdescribe', String(ring))).toContain('rv-ring');
  expect(keyctl('list', String(ring))).not.toContain(String(revoked));
});
