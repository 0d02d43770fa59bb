// The change log as an administrator leaves it open: a countdown is not news, a change is, in words;
// keys of other sessions can be filtered out; Clear empties it; an empty log folds to one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, FIRST_SCAN_MS, openApp, row } from './support/page';
import { TEST_MS } from './support/scanTime';
import { hexId as hex } from '../shared/keyIds';

let server: RunningServer;
let other: ChildProcess | null = null;

test.beforeAll(async () => {
  joinOwnSession();
  server = await startServe(['--interval', '250']);
});

test.afterAll(async () => {
  other?.kill('SIGKILL');
  await server?.stop();
});

const log = (page: Page) => page.getByRole('region', { name: 'Change log' });
const linesAbout = (page: Page, id: number) => log(page).locator('.log-line').filter({ hasText: hex(id) });

/** Shows only this process's keys' lines: other processes on this machine may change hundreds of theirs a second. */
async function onlyThisProcess(page: Page): Promise<void> {
  await log(page).getByLabel('Change log scope').selectOption('process');
}

test('a key counting down adds one line; a real change adds one more, in words', async ({ page }) => {
  test.setTimeout(FIRST_SCAN_MS + 60_000);
  await openApp(page, server.url);
  const ticket = Number(keyctl('add', 'user', 'cl-ticket', 'x', '@s'));
  keyctl('timeout', String(ticket), '50');
  await expect(row(page, ticket)).toContainText(/\ds/, { timeout: CHANGE_SEEN_MS });
  await onlyThisProcess(page);
  // Adding the key and setting its timeout are two commands: a poll that falls between them logs the
  // timeout being set, which is a real change. So the baseline is one or two lines, whichever happened
  // (the row shows the timeout, so both are in the log by now).
  await expect(linesAbout(page, ticket).first()).toBeVisible();
  const before = await linesAbout(page, ticket).count();
  expect(before).toBeGreaterThanOrEqual(1);
  expect(before).toBeLessThanOrEqual(2);
  // 6 s of polls at 250 ms: the timeout column counts 49s, 48s, … 43s, and none of it is news.
  await page.waitForTimeout(6000);
  await expect(linesAbout(page, ticket)).toHaveCount(before);

  keyctl('setperm', String(ticket), '0x3f030000');
  await expect(linesAbout(page, ticket)).toHaveCount(before + 1, { timeout: CHANGE_SEEN_MS });
  await expect(linesAbout(page, ticket).first()).toContainText('permissions 3f010000 → 3f030000');
});

test("the scope filter hides other sessions' keys; Clear empties the log and it folds to one line", async ({ page }) => {
  // A server of its own that polls once an hour: the log changes only when Refresh asks for a scan, so what
  // other processes on this machine do to their keys meanwhile can neither push these lines out of sight
  // nor refill the log after Clear, wherever a poll would have fallen.
  test.setTimeout(TEST_MS);
  const manual = await startServe(['--interval', '3600000']);
  try {
    await openApp(page, manual.url);
    const refresh = () => page.locator('.statusbar').getByRole('button', { name: 'Refresh' }).click();
    // Another process's session keyring: visible to this uid, not reachable from serve's process.
    other = spawn('keyctl', ['session', 'cl-elsewhere', 'sh', '-c', 'keyctl add user cl-theirs x @s; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const theirs = await new Promise<number>((done) => other!.stdout!.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
    const mine = Number(keyctl('add', 'user', 'cl-mine', 'x', '@s'));
    await refresh();
    await expect(row(page, mine)).toBeVisible({ timeout: CHANGE_SEEN_MS });
    // Only added keys: other sessions' changes of other kinds, however many, stay out of the 200 lines shown.
    for (const kind of ['removed', 'changed', 'revoked or expired']) await log(page).getByRole('checkbox', { name: kind }).uncheck();
    await expect(linesAbout(page, theirs)).toHaveCount(1);
    await expect(linesAbout(page, mine)).toHaveCount(1);

    await onlyThisProcess(page);
    await expect(linesAbout(page, theirs)).toHaveCount(0);
    await expect(linesAbout(page, mine)).toHaveCount(1);
    await log(page).getByRole('checkbox', { name: 'added' }).uncheck();
    await expect(linesAbout(page, mine)).toHaveCount(0);
    await log(page).getByRole('checkbox', { name: 'added' }).check();

    await log(page).getByRole('button', { name: 'Clear' }).click();
    await expect(log(page)).toContainText('no changes yet');
    await expect(log(page).locator('.log-list')).toHaveCount(0);
    await expect.poll(() => log(page).evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(40);

    // The next change is logged as before, and the log unfolds.
    const later = Number(keyctl('add', 'user', 'cl-later', 'x', '@s'));
    await refresh();
    await expect(linesAbout(page, later)).toHaveCount(1, { timeout: CHANGE_SEEN_MS });
    await expect.poll(() => log(page).evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(100);
  } finally {
    await manual.stop();
  }
});
