// Administration in chromium against `serve --allow-actions`: every action from the UI, checked against
// the kernel with keyutils' keyctl afterwards; real refusals shown in words; input refused before the
// kernel is called; the confirm dialog's words; and the payload never leaking into output or exports.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, details, allowChanges, closes, FIRST_SCAN_MS } from './support/page';
import { hexId as hex } from '../shared/keyIds';

const INTERVAL_MS = 400;
const SECRET = 'pa55-e2e-never-logged';
const BIN = path.join(__dirname, '..', 'bin', 'keyring-browser');

let server: RunningServer;
let ringA: number;
let ringB: number;

test.beforeAll(async () => {
  joinOwnSession();
  ringA = Number(keyctl('newring', 'adm-ring-a', '@s'));
  ringB = Number(keyctl('newring', 'adm-ring-b', '@s'));
  server = await startServe(['--interval', String(INTERVAL_MS), '--allow-actions']);
});

test.afterAll(async () => {
  await server?.stop();
});

const action = (page: Page, name: string) => details(page).getByRole('button', { name, exact: true });
/** keyctl's rdescribe: type;uid;gid;perm;description, or the error text when the key is gone. */
function rdescribe(id: number): string {
  try {
    return keyctl('rdescribe', String(id));
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  }
}

async function openApp(page: Page, keyId: number, act = true) {
  await page.goto(server.url);
  await expect(row(page, keyId)).toBeVisible({ timeout: FIRST_SCAN_MS });
  if (act) await allowChanges(page);
}

async function select(page: Page, id: number) {
  await row(page, id).click();
  await expect(details(page)).toContainText(hex(id));
}

async function confirm(page: Page, name: string): Promise<Locator> {
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name, exact: true })).toBeVisible();
  return dialog;
}

test('starts read-only: actions are off until the switch is turned off', async ({ page }) => {
  await openApp(page, ringA, false);
  await select(page, ringA);
  await expect(page.getByRole('switch', { name: /read-only/i })).toBeChecked();
  await expect(action(page, 'Revoke')).toBeDisabled();
  await expect(action(page, 'Search')).toBeEnabled();
  await allowChanges(page);
  await expect(action(page, 'Revoke')).toBeEnabled();
});

test('serve without --allow-actions stays read-only: the switch cannot be turned off, and actions are refused', async ({ page }) => {
  const readOnly = await startServe(['--interval', String(INTERVAL_MS)]);
  try {
    await page.goto(readOnly.url);
    await expect(row(page, ringA)).toBeVisible({ timeout: FIRST_SCAN_MS });
    await expect(page.getByRole('switch', { name: /read-only/i })).toBeDisabled();
    await expect(page.getByRole('switch', { name: /read-only/i })).toBeChecked();
    const answer = await page.evaluate(async (url) => {
      const ws = new WebSocket(url.replace(/^http/, 'ws').replace(/\/\?/, '/ws?'));
      await new Promise((resolve) => (ws.onopen = resolve));
      ws.send(JSON.stringify({ id: 1, method: 'revokeKey', args: [1] }));
      // The answer is the message whose own id is 1. Deltas carry keys' ids too ("id":1038670381 is another
      // process's key on a shared machine), so a substring test could take a delta for the answer.
      return new Promise<string>((resolve) => (ws.onmessage = (e) => (JSON.parse(String(e.data)) as { id?: unknown }).id === 1 && resolve(String(e.data))));
    }, readOnly.url);
    expect(answer).toContain('forbidden');
  } finally {
    await readOnly.stop();
  }
});

test('adds a key with a typed payload, reads it masked, updates it', async ({ page }) => {
  await openApp(page, ringA);
  await select(page, ringA);
  await action(page, 'Add key').click();
  const dialog = page.getByRole('dialog', { name: 'Add key' });
  await dialog.getByLabel('Description').fill('adm-added');
  await dialog.getByLabel('Payload (text)').fill(SECRET);
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await closes(dialog);
  const id = Number(keyctl('search', String(ringA), 'user', 'adm-added'));
  expect(keyctl('print', String(id))).toBe(SECRET);
  // The new key becomes the selection, and the message about it stays.
  await expect(details(page)).toContainText(`0x${hex(id)}`);
  await expect(details(page).getByRole('status')).toContainText(`Added user key “adm-added” as 0x${hex(id)}`);
  await expect(row(page, id)).toHaveAttribute('aria-selected', 'true');
  await action(page, 'Read payload').click();
  const value = page.getByTestId('payload-value');
  await expect(value).toBeVisible();
  await expect(value).not.toContainText(SECRET);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await expect(value).toHaveText(SECRET);
  await page.getByRole('radio', { name: 'Hex' }).check();
  await expect(value).toContainText(Buffer.from(SECRET).toString('hex').slice(0, 8).replace(/(..)(..)(..)(..)/, '$1 $2 $3 $4'));
  // Another selection drops it.
  await select(page, ringA);
  await select(page, id);
  await expect(page.getByTestId('payload-value')).toHaveCount(0);

  await action(page, 'Update').click();
  const update = page.getByRole('dialog');
  await update.getByRole('radio', { name: 'Hex' }).check();
  await update.getByLabel('Payload (hex)').fill('6e 65 77');
  await update.getByRole('button', { name: 'Update' }).click();
  await closes(update);
  expect(keyctl('print', String(id))).toBe('new');

  // Neither serve's output nor an exported snapshot ever carries the payload.
  const exported = execFileSync(process.execPath, [BIN, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  expect(exported).toContain('adm-added');
  expect(exported).not.toContain(SECRET);
  expect(server.output()).not.toContain(SECRET);
  expect(server.output()).not.toContain(Buffer.from(SECRET).toString('base64'));
});

test('adds a key whose payload is read from a chosen file, bytes as they are', async ({ page }) => {
  await openApp(page, ringA);
  await select(page, ringA);
  await action(page, 'Add key').click();
  const dialog = page.getByRole('dialog', { name: 'Add key' });
  await dialog.getByLabel('Description').fill('adm-from-file');
  await dialog.getByRole('radio', { name: 'From a file' }).check();
  await dialog.getByLabel('File', { exact: true }).setInputFiles({ name: 'blob.bin', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 1, 2, 255]) });
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await closes(dialog);
  const id = keyctl('search', String(ringA), 'user', 'adm-from-file');
  expect(execFileSync('keyctl', ['pipe', id]).equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
});

test('unlink says whether the key will be destroyed, and does it', async ({ page }) => {
  const key = Number(keyctl('add', 'user', 'adm-unlink', 'x', String(ringA)));
  keyctl('link', String(key), String(ringB));
  await openApp(page, key);
  await select(page, key);
  await action(page, 'Unlink').click();
  let dialog = await confirm(page, 'Unlink');
  await expect(dialog).toContainText(/It stays linked from 1 other keyring: adm-ring-[ab] \(0x/);
  await dialog.getByRole('button', { name: 'Unlink' }).click();
  await closes(dialog);
  const left = keyctl('rlist', String(ringA)).includes(String(key)) ? ringA : ringB;
  expect(keyctl('rlist', String(left === ringA ? ringB : ringA)).split(' ')).not.toContain(String(key));

  // The dialog's words follow the live view: they change once the scan shows the one link left.
  await action(page, 'Unlink').click();
  dialog = await confirm(page, 'Unlink');
  await expect(dialog).toContainText('This key has no other link: it will be destroyed.');
  await dialog.getByRole('button', { name: 'Unlink' }).click();
  await closes(dialog);
  expect(rdescribe(key)).toMatch(/Required key not available|No such|ENOKEY|denied|revoked/i);
});

test('links, moves, clears', async ({ page }) => {
  const key = Number(keyctl('add', 'user', 'adm-mobile', 'x', String(ringA)));
  await openApp(page, key);
  await select(page, key);
  await action(page, 'Link').click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Into keyring').selectOption(String(ringB));
  await dialog.getByRole('button', { name: 'Link' }).click();
  await closes(dialog);
  expect(keyctl('rlist', String(ringB)).split(' ')).toContain(String(key));

  keyctl('unlink', String(key), String(ringB));
  await page.reload();
  await allowChanges(page);
  await select(page, key);
  await action(page, 'Move').click();
  dialog = page.getByRole('alertdialog');
  await dialog.getByLabel('To keyring').selectOption(String(ringB));
  await expect(dialog).toContainText(/unlinked from adm-ring-a .* linked into adm-ring-b/);
  await dialog.getByRole('button', { name: 'Move' }).click();
  await closes(dialog);
  expect(keyctl('rlist', String(ringA)).split(' ')).not.toContain(String(key));
  expect(keyctl('rlist', String(ringB)).split(' ')).toContain(String(key));

  // Dragging its row onto a keyring's row opens the same confirmation, that keyring already chosen.
  await row(page, ringA).click();
  const from = await row(page, key).boundingBox();
  const to = await row(page, ringA).boundingBox();
  await page.mouse.move(from!.x + 40, from!.y + from!.height / 2);
  await page.mouse.down();
  await page.mouse.move(from!.x + 60, from!.y + 20, { steps: 3 });
  await page.mouse.move(to!.x + 40, to!.y + to!.height / 2, { steps: 5 });
  await page.mouse.up();
  dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText(/unlinked from adm-ring-b .* linked into adm-ring-a/);
  await dialog.getByRole('button', { name: 'Move' }).click();
  await closes(dialog);
  expect(keyctl('rlist', String(ringA)).split(' ')).toContain(String(key));
  keyctl('add', 'user', 'adm-lonely', 'x', String(ringB));

  await select(page, ringB);
  await action(page, 'Clear').click();
  dialog = await confirm(page, 'Clear');
  await expect(dialog).toContainText('will be destroyed');
  await dialog.getByRole('button', { name: 'Clear' }).click();
  await closes(dialog);
  expect(keyctl('rlist', String(ringB))).toBe('');
});

test('revoke, then a read is refused with EKEYREVOKED in words; invalidate destroys', async ({ page }) => {
  // Read payload is no longer offered on a revoked key (the kernel would refuse it): the button says why.
  const key = Number(keyctl('add', 'user', 'adm-revoke', 'x', String(ringA)));
  const gone = Number(keyctl('add', 'user', 'adm-invalidate', 'x', String(ringA)));
  await openApp(page, key);
  await select(page, key);
  await action(page, 'Revoke').click();
  const dialog = await confirm(page, 'Revoke');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await closes(dialog);
  expect(rdescribe(key)).toMatch(/revoked/i);
  await expect(row(page, key)).toHaveAttribute('data-key-flags', /^.R/);
  await expect(action(page, 'Read payload')).toBeDisabled();
  await expect(action(page, 'Read payload')).toHaveAttribute('title', /EKEYREVOKED/);

  await select(page, gone);
  await action(page, 'Invalidate').click();
  const inv = await confirm(page, 'Invalidate');
  await inv.getByRole('button', { name: 'Invalidate' }).click();
  await closes(inv);
  expect(rdescribe(gone)).not.toMatch(/^user;/);
  await expect(page.locator(`[data-key-id="${gone}"]`)).toHaveCount(0);
});

test('a read without read permission is refused with EACCES and the reason', async ({ page }) => {
  // 0x01010000: the owner may view it, nobody may read or search it (so it is not possessed either).
  // (With 0x01000000 this process could not even see it: possession needs search.)
  const key = Number(keyctl('add', 'user', 'adm-noread', 'x', String(ringA)));
  keyctl('setperm', String(key), '0x01010000');
  await openApp(page, key);
  await select(page, key);
  await action(page, 'Read payload').click();
  await expect(details(page).getByRole('alert')).toHaveText(`EACCES: this process lacks read on key 0x${hex(key)} (perm 01010000, you match 'user')`);
});

test('timeout, permissions and owner: bad input refused at the field, good input reaches the kernel', async ({ page }) => {
  const key = Number(keyctl('add', 'user', 'adm-attrs', 'x', String(ringA)));
  await openApp(page, key);
  await select(page, key);

  await action(page, 'Set timeout').click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Timeout').fill('-5');
  await dialog.getByRole('button', { name: 'Set timeout' }).click();
  await expect(dialog).toContainText('a timeout cannot be negative');
  expect(execFileSync('grep', ['-i', hex(key), '/proc/keys'], { encoding: 'utf8' })).toMatch(/ perm /);
  await dialog.getByLabel('Timeout').fill('3600');
  await dialog.getByRole('button', { name: 'Set timeout' }).click();
  await closes(dialog);
  expect(execFileSync('grep', ['-i', hex(key), '/proc/keys'], { encoding: 'utf8' })).not.toMatch(/ perm /);

  await action(page, 'Set permissions').click();
  dialog = page.getByRole('dialog');
  const mask = dialog.getByLabel('Mask (hex)');
  await mask.fill('ff000000');
  await expect(dialog).toContainText('only use bits 0x3f');
  await mask.fill('3f010000');
  await dialog.getByRole('checkbox', { name: 'group view' }).check();
  await expect(mask).toHaveValue('3f010100');
  await dialog.getByRole('button', { name: 'Set permissions' }).click();
  await closes(dialog);
  expect(rdescribe(key).split(';')[3]).toBe('3f010100');

  await action(page, 'Change owner').click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('New group (name or gid)').fill('no-such-group-here');
  await expect(dialog).toContainText('no group named');
  await dialog.getByLabel('New group (name or gid)').fill('root');
  await dialog.getByRole('button', { name: 'Change owner' }).click();
  await closes(dialog);
  expect(rdescribe(key).split(';')[2]).toBe('0');
});

test('search finds the key keyctl finds and says through which keyrings; the context menu and shortcuts work', async ({ page }) => {
  const key = Number(keyctl('add', 'user', 'adm-needle', 'x', String(ringA)));
  await openApp(page, key);
  // Context menu on the row.
  await row(page, key).click({ button: 'right' });
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem', { name: /Search/ })).toBeVisible();
  await menu.getByRole('menuitem', { name: /Search/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Search' });
  await dialog.getByLabel('Description').fill('adm-needle');
  await dialog.getByRole('button', { name: 'Search' }).click();
  expect(Number(keyctl('search', '@s', 'user', 'adm-needle'))).toBe(key);
  await expect(dialog.getByRole('status')).toContainText(new RegExp(`Found user “adm-needle” \\(0x${hex(key)}\\) through .*adm-ring-a`));
  await page.keyboard.press('Escape');
  await closes(dialog);

  // `?` opens the help; `x` opens Revoke's confirmation for the selected key.
  await select(page, key);
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await row(page, key).focus();
  await page.keyboard.press('Shift+F10');
  await expect(page.getByRole('menu')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('x');
  await expect(page.getByRole('alertdialog')).toContainText('Revoke');
  await page.keyboard.press('Escape');
});

test('gets the persistent keyring into a chosen keyring, saying it renews the expiry', async ({ page }) => {
  await openApp(page, ringA);
  await select(page, ringA);
  await action(page, 'Get persistent keyring').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('renews its expiry');
  await dialog.getByLabel('Link into').selectOption(String(ringB));
  await dialog.getByRole('button', { name: 'Get persistent keyring' }).click();
  await closes(dialog);
  await expect(details(page).getByRole('status')).toContainText('renewed');
  expect(keyctl('rlist', String(ringB))).not.toBe('');
});
