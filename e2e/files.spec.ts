// Saved files in chromium: `open` shows a snapshot whose keys are gone from the kernel, read-only (no Live
// badge, no actions, the file's name and time instead); a recording replays with its slider.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startOpen, startServe, type RunningServer } from './support/serve';
import { row, details, CHANGE_SEEN_MS, FIRST_SCAN_MS } from './support/page';
import { hexId as hex } from '../shared/keyIds';

const BIN = path.join(__dirname, '..', 'bin', 'keyring-browser');
const dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-files-'));

let server: RunningServer | null = null;

const DAY_MS = 86_400_000;
type Saved = { takenAt: number; keys: { expiry: { from: number; to: number } | null | 'unknown' }[] };
/** The same snapshot file as if taken a day earlier: its time and every expiry window moved back. */
function aDayEarlier(saved: Saved): Saved {
  return {
    ...saved,
    takenAt: saved.takenAt - DAY_MS,
    keys: saved.keys.map((k) => (k.expiry !== null && typeof k.expiry === 'object' ? { ...k, expiry: { from: k.expiry.from - DAY_MS, to: k.expiry.to - DAY_MS } } : k)),
  };
}
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

test('open: a key that no longer exists, no Live badge and no actions', async ({ page }) => {
  joinOwnSession();
  const gone = Number(keyctl('add', 'user', 'e2e-gone-since', 'x', '@s'));
  const timed = Number(keyctl('add', 'user', 'e2e-an-hour-left', 'x', '@s'));
  keyctl('timeout', String(timed), '3600');
  const file = path.join(dir, 'before.json');
  // Saved a day ago: its countdowns count from when it was taken, not from now (when all would read expired).
  writeFileSync(file, JSON.stringify(aDayEarlier(JSON.parse(execFileSync(process.execPath, [BIN, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 })))));
  keyctl('invalidate', String(gone));
  expect(() => keyctl('rdescribe', String(gone))).toThrow();

  server = await startOpen(file);
  await page.goto(server.url);
  await expect(row(page, gone)).toBeVisible({ timeout: FIRST_SCAN_MS });
  const status = page.getByRole('status').filter({ hasText: 'before.json' });
  await expect(status).toContainText('Saved snapshot: before.json');
  await expect(status).toContainText(/taken \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  await expect(page.locator('.statusbar')).not.toContainText('Live');
  await expect(page.getByRole('button', { name: 'Pause' })).toHaveCount(0);
  await expect(page.getByRole('switch', { name: /read-only/i })).toHaveCount(0);
  await expect(row(page, timed).locator('time')).toHaveText(/^[≈≤]?(59m|1h)/);

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

test('replay: a recording made by serve --record shows a key come and go under the time slider', async ({ page }) => {
  joinOwnSession();
  const file = path.join(dir, 'recording.jsonl');
  server = await startServe(['--interval', '200', '--record', file]);
  const comes = Number(keyctl('add', 'user', 'e2e-comes-and-goes', 'x', '@s'));
  const changes = (): { seq: number; added: { id: number }[]; removed: number[]; linksRemoved: [number, number][] }[] =>
    readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => JSON.parse(l) as never);
  await expect.poll(() => changes().some((d) => d.added.some((k) => k.id === comes)), { timeout: CHANGE_SEEN_MS }).toBe(true);
  keyctl('unlink', String(comes), '@s');
  await expect.poll(() => changes().some((d) => d.removed.includes(comes)), { timeout: CHANGE_SEEN_MS }).toBe(true);
  await server.stop();
  // Positions on the slider: after the change that added the key, and after the one that removed it.
  const all = changes();
  const addedAt = all.findIndex((d) => d.added.some((k) => k.id === comes)) + 1;
  const goneAt = all.findIndex((d) => d.removed.includes(comes)) + 1;
  // The unlink and the key's end can fall in two polls (the kernel collects an unlinked key a moment later):
  // then the change before the end shows the key out of its keyring. Where it left the keyring:
  const leftAt = all.findIndex((d) => d.removed.includes(comes) || d.linksRemoved.some(([, m]) => m === comes)) + 1;

  server = await startOpen(file);
  await page.goto(server.url);
  // The recording holds every key root saw (another session's 40k) and each of their changes: loading it is a first scan.
  const slider = page.getByRole('slider', { name: 'Time' });
  await expect(slider).toHaveAttribute('aria-valuemin', '0', { timeout: FIRST_SCAN_MS });
  await expect(page.getByRole('status').filter({ hasText: 'recording.jsonl' })).toContainText('Recording: recording.jsonl');
  await expect(slider).toHaveAttribute('aria-valuemax', String(all.length));
  await expect(slider).toHaveAttribute('aria-valuenow', '0');
  await expect(slider).toHaveAttribute('aria-valuetext', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d.*, change 0 of \d+$/);
  await expect(page.locator('[data-key-id]').first()).toBeVisible();
  await expect(row(page, comes)).toHaveCount(0);

  // Arrows step one change at a time: the key comes with its change, and goes with its own.
  await slider.focus();
  for (let i = 0; i < addedAt; i++) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuenow', String(addedAt));
  await expect(row(page, comes)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Change log' })).toContainText('e2e-comes-and-goes');
  for (let i = addedAt; i < goneAt; i++) await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveAttribute('aria-valuenow', String(goneAt));
  await expect(row(page, comes)).toHaveCount(0);
  // Back to the last change at which the key was still in its keyring.
  for (let i = leftAt; i <= goneAt; i++) await page.keyboard.press('ArrowLeft');
  await expect(slider).toHaveAttribute('aria-valuenow', String(leftAt - 1));
  await expect(row(page, comes)).toBeVisible();
  // Home and End jump to the ends; the step buttons and Play move it too.
  await page.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuenow', String(all.length));
  await expect(row(page, comes)).toHaveCount(0);
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuenow', '0');
  await expect(row(page, comes)).toHaveCount(0);
  await page.getByRole('button', { name: 'Next change' }).click();
  await expect(slider).toHaveAttribute('aria-valuenow', '1');
  const playButton = page.getByRole('button', { name: 'Play' });
  await playButton.click();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(playButton).toBeVisible();
  // Played to the end, it stops there.
  await playButton.click();
  await expect(slider).toHaveAttribute('aria-valuenow', String(all.length), { timeout: all.length * 1000 + 10_000 });
  await expect(playButton).toBeVisible();
  await expect(row(page, comes)).toHaveCount(0);
});

/** Drops `file` on the page as a person dragging it from a file manager would. */
async function dropFile(page: import('@playwright/test').Page, file: string): Promise<void> {
  const name = path.basename(file);
  const text = readFileSync(file, 'utf8');
  // Runs in the page (this file is type-checked without the DOM's types).
  type PageGlobals = { DataTransfer: new () => { items: { add(file: unknown): void } }; File: new (parts: string[], name: string, options: { type: string }) => unknown };
  const transfer = await page.evaluateHandle(({ name, text }) => {
    const { DataTransfer, File } = globalThis as unknown as PageGlobals;
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: 'application/json' }));
    return dt;
  }, { name, text });
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer });
  await expect(page.locator('.file-drop')).toBeVisible();
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
}

test('drag and drop: a dropped snapshot opens read-only over the live view, and Back to live keys returns', async ({ page }) => {
  joinOwnSession();
  const gone = Number(keyctl('add', 'user', 'e2e-dropped-gone', 'x', '@s'));
  const file = path.join(dir, 'dropped.json');
  writeFileSync(file, execFileSync(process.execPath, [BIN, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  keyctl('unlink', String(gone), '@s');
  const notes = path.join(dir, 'notes.json');
  writeFileSync(notes, '{"format": 1, "keys": "cut');
  server = await startServe(['--interval', '250']);
  await page.goto(server.url);
  // The first scan can take a while on a busy machine with a bench's 40k keys in other sessions.
  await expect(page.locator('.statusbar')).toContainText('Live', { timeout: 45_000 });
  await expect(row(page, gone)).toHaveCount(0);

  await dropFile(page, notes);
  await expect(page.getByRole('alert')).toHaveText(/^notes\.json: the file is not valid JSON/);
  await page.getByRole('button', { name: 'Dismiss' }).click();

  await dropFile(page, file);
  await expect(page.getByRole('status').filter({ hasText: 'dropped.json' })).toContainText('Saved snapshot: dropped.json');
  await expect(row(page, gone)).toBeVisible();
  await expect(page.locator('.statusbar')).not.toContainText('Live');
  await page.screenshot({ path: path.join(tmpdir(), 'kb-dropped.png') });
  await page.getByRole('button', { name: 'Back to live keys' }).click();
  await expect(page.locator('.statusbar')).toContainText('Live', { timeout: 45_000 });
  await expect(row(page, gone)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Back to live keys' })).toHaveCount(0);
});
