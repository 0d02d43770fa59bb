// The actions menu and the dialogs while the window is live: keys change in the background (keyctl in
// this worker's session), the poller sends deltas, and the menu's focused item, a dialog's focused field
// and its typed text must all survive them. The letters the menu shows start their action from inside it.
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, details, procKeysLine, allowChanges, FIRST_SCAN_MS, closes } from './support/page';
import { hexId as hex } from '../shared/keyIds';

const INTERVAL_MS = 300;

let server: RunningServer;
let ring: number;
let busyRing: number;
let key: number;
let churn = 0;

test.beforeAll(async () => {
  joinOwnSession();
  ring = Number(keyctl('newring', 'menu-ring', '@s'));
  busyRing = Number(keyctl('newring', 'menu-busy', '@s'));
  key = Number(keyctl('add', 'user', 'menu-key', 'x', String(ring)));
  server = await startServe(['--interval', String(INTERVAL_MS), '--allow-actions']);
});

test.afterAll(async () => {
  await server?.stop();
});


/** Adds a key in the background and waits until the window has shown it in the change log: one more poll seen. */
async function changeInBackground(page: Page): Promise<void> {
  const name = `menu-churn-${++churn}`;
  keyctl('add', 'user', name, 'x', String(busyRing));
  await expect(page.getByRole('region', { name: 'Change log' }).getByText(`“${name}”`, { exact: false }).first()).toBeVisible();
}

async function openOnKey(page: Page) {
  await page.goto(server.url);
  await expect(row(page, ring)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await allowChanges(page);
  // Open the keyring so the key's row shows, then select it and open its menu from the keyboard.
  await row(page, ring).click();
  await page.keyboard.press('ArrowRight');
  await expect(row(page, key)).toBeVisible();
  await row(page, key).click();
  await expect(details(page)).toContainText(hex(key));
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu');
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /Add key/ })).toBeFocused();
  return menu;
}

test('the actions menu keeps its focused item through several polls', async ({ page }) => {
  const menu = await openOnKey(page);
  const items = await menu.getByRole('menuitem').allTextContents();
  const target = items.findIndex((t) => t.startsWith('Set timeout'));
  expect(target).toBeGreaterThan(0);
  for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
  const setTimeout = menu.getByRole('menuitem', { name: /Set timeout/ });
  await expect(setTimeout).toBeFocused();
  for (let i = 0; i < 4; i++) {
    await changeInBackground(page);
    await expect(setTimeout).toBeFocused();
  }
  await page.screenshot({ path: test.info().outputPath('menu-after-polls.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: /Set timeout of menu-key/ })).toBeVisible();
});

test('a letter shown in the menu starts its action from inside the menu', async ({ page }) => {
  const menu = await openOnKey(page);
  await expect(menu.getByRole('menuitem', { name: /Change owner/ })).toContainText('O');
  await page.keyboard.press('o');
  await expect(menu).toBeHidden();
  await expect(page.getByRole('dialog', { name: /Change owner of menu-key/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // Delete, shown as such, asks to confirm the unlink.
  await row(page, key).click();
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menu')).toBeVisible();
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Unlink', exact: true })).toBeVisible();
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
});

test('a dialog keeps its focused field and typed text through several polls', async ({ page }) => {
  await openOnKey(page);
  await page.keyboard.press('t');
  const dialog = page.getByRole('dialog', { name: /Set timeout of menu-key/ });
  const field = dialog.getByRole('textbox');
  await expect(field).toBeFocused();
  await page.keyboard.type('12');
  for (let i = 0; i < 3; i++) {
    await changeInBackground(page);
    await expect(field).toBeFocused();
  }
  await page.keyboard.type('34');
  await expect(field).toHaveValue('1234');
  await page.screenshot({ path: test.info().outputPath('dialog-after-polls.png') });
  await page.keyboard.press('Enter');
  await closes(dialog);
  // The kernel shows the timeout in /proc/keys as the time left: 1234 s is "20m".
  await expect.poll(() => procKeysLine(key)).toMatch(/ 20m /);
});

test('Set timeout reads durations: 10m sets 600 s, with the date shown first; too large says so', async ({ page }) => {
  await openOnKey(page);
  await page.keyboard.press('t');
  const dialog = page.getByRole('dialog', { name: /Set timeout of menu-key/ });
  const field = dialog.getByRole('textbox');
  await field.fill('99999999999999999999');
  await expect(dialog).toContainText('too large');
  await field.fill('10m');
  await expect(dialog).toContainText('600 s (10 min): expires about 20');
  await page.screenshot({ path: test.info().outputPath('timeout-10m.png') });
  await page.keyboard.press('Enter');
  await closes(dialog);
  await expect(details(page).getByRole('status')).toContainText('600 s');
  // /proc/keys prints the time left: 599 s or so is "9m".
  await expect.poll(() => procKeysLine(key)).toMatch(/ (9|10)m /);
});

test('a permission change that locks you out is shown as a danger, with a red confirm', async ({ page }) => {
  await openOnKey(page);
  await page.keyboard.press('p');
  const dialog = page.getByRole('dialog', { name: /Set permissions of menu-key/ });
  await dialog.getByRole('textbox').fill('00000000');
  const warning = dialog.getByRole('alert');
  await expect(warning).toHaveClass(/act-warning/);
  await expect(dialog.getByRole('button', { name: 'Set permissions' })).toHaveClass(/act-danger/);
  await page.screenshot({ path: test.info().outputPath('perm-danger.png') });
  await page.keyboard.press('Escape');
});
