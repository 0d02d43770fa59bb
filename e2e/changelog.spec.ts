// The change log as an administrator leaves it open: a countdown is not news, a change is, in words;
// keys of other sessions can be filtered out; Clear empties it; an empty log folds to one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row } from './support/page';
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

test('a key counting down adds one line; a real change adds one more, in words', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('tree')).toBeVisible();
  const ticket = Number(keyctl('add', 'user', 'cl-ticket', 'x', '@s'));
  keyctl('timeout', String(ticket), '50');
  await expect(row(page, ticket)).toBeVisible();
  await expect(row(page, ticket)).toContainText(/4\ds|50s/);
  // Adding the key and setting its timeout are two commands: a poll that falls between them logs the
  // timeout being set, which is a real change. So the baseline is one or two lines, whichever happened.
  await page.waitForTimeout(600);
  const before = await linesAbout(page, ticket).count();
  expect(before).toBeGreaterThanOrEqual(1);
  expect(before).toBeLessThanOrEqual(2);
  // 6 s of polls at 250 ms: the timeout column counts 49s, 48s, … 43s, and none of it is news.
  await page.waitForTimeout(6000);
  await expect(linesAbout(page, ticket)).toHaveCount(before);

  keyctl('setperm', String(ticket), '0x3f030000');
  await expect(linesAbout(page, ticket)).toHaveCount(before + 1);
  await expect(linesAbout(page, ticket).first()).toContainText('permissions 3f010000 → 3f030000');
});

test("the scope filter hides other sessions' keys; Clear empties the log and it folds to one line", async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('tree')).toBeVisible();
  // Another process's session keyring: visible to this uid, not reachable from serve's process.
  other = spawn('keyctl', ['session', 'cl-elsewhere', 'sh', '-c', 'keyctl add user cl-theirs x @s; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const theirs = await new Promise<number>((done) => other!.stdout!.once('data', (d: Buffer) => done(Number(d.toString().trim()))));
  const mine = Number(keyctl('add', 'user', 'cl-mine', 'x', '@s'));
  await expect(linesAbout(page, theirs)).toHaveCount(1);
  await expect(linesAbout(page, mine)).toHaveCount(1);

  await log(page).getByLabel('Change log scope').selectOption('process');
  await expect(linesAbout(page, theirs)).toHaveCount(0);
  await expect(linesAbout(page, mine)).toHaveCount(1);
  await log(page).getByRole('checkbox', { name: 'added' }).uncheck();
  await expect(linesAbout(page, mine)).toHaveCount(0);
  await log(page).getByRole('checkbox', { name: 'added' }).check();

  await log(page).getByRole('button', { name: 'Clear' }).click();
  await expect(log(page)).toContainText('no changes yet');
  await expect(log(page).locator('.log-list')).toHaveCount(0);
  // The height of the log while it is empty, read in one step: on a busy host another session's change can
  // arrive (and unfold the log, rightly) between two separate reads.
  const emptyHeight = () =>
    log(page).evaluate((el) => (el.textContent?.includes('no changes yet') ? el.getBoundingClientRect().height : Number.POSITIVE_INFINITY));
  await expect.poll(emptyHeight).toBeLessThan(40);
});
