// The page under a flood of deltas: serve over 20k real keys in this spec's session while a child process
// (bench/flood/churn.ts) adds, removes and changes keys many times a second and adds or clears a keyring of 5,000
// keys every other second. Clicks and key presses must still be handled, and once the churn stops the page must
// show exactly the keys the kernel has. Timings are the bench's (`BENCH_ONLY=flood`), never asserted here.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import * as keyctl from '../electron/keyring/keyctl';
import { kernelFloodCount } from '../bench/flood/churn';
import { hexId } from '../shared/keyIds';
import { joinOwnSession } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { CHANGE_SEEN_MS, details, openApp, row } from './support/page';

const CHURN = path.join(__dirname, '..', 'dist', 'bench', 'flood', 'churn.js');
const KEYRINGS = 200;
const PER_RING = 100;

let server: RunningServer;
let session: number;
let targets: number[];
const rings: number[] = [];

test.beforeAll(async () => {
  session = joinOwnSession();
  // aaa-…: the session keyring's first rows once the tree is sorted by description.
  targets = [keyctl.addKey('keyring', 'aaa-target-1', null, session), keyctl.addKey('keyring', 'aaa-target-2', null, session)];
  const payload = Buffer.from('x');
  for (let r = 0; r < KEYRINGS; r++) {
    const ring = keyctl.addKey('keyring', `flooded-ring-${r}`, null, session);
    rings.push(ring);
    for (let i = 0; i < PER_RING; i++) keyctl.addKey('user', `steady-${r}-${i}`, payload, ring);
  }
  server = await startServe(['--interval', '400']);
});

test.afterAll(async () => {
  await server?.stop();
  keyctl.clear(session);
});

function startChurn(): { stop: () => Promise<void> } {
  expect(existsSync(CHURN), `${CHURN} is built by npm run build`).toBe(true);
  const child: ChildProcess = spawn(process.execPath, [CHURN, rings.join(','), '1500', '5000'], { stdio: 'ignore' });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

test('answers clicks and key presses under a flood of deltas, and ends showing the kernel’s keys exactly', async ({ page }) => {
  await openApp(page, server.url);
  await page.locator('.tree-header button', { hasText: /^Key/ }).first().click();
  await expect(row(page, targets[1]!)).toBeVisible({ timeout: CHANGE_SEEN_MS });
  const churn = startChurn();
  try {
    // The flood reaches the page: keys the churn made are counted in the status bar's key count meanwhile.
    await page.waitForTimeout(3000);
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (let i = 0; i < 6; i++) {
      const target = targets[i % 2]!;
      await row(page, target).click();
      await expect(details(page)).toContainText(hexId(target), { timeout: CHANGE_SEEN_MS });
      await page.keyboard.press('?');
      await expect(help).toBeVisible({ timeout: CHANGE_SEEN_MS });
      await page.keyboard.press('Escape');
      await expect(help).toBeHidden({ timeout: CHANGE_SEEN_MS });
    }
  } finally {
    await churn.stop();
  }
  // Exact at the end: the search for the churned keys (flood-…, keys and the burst's keyrings) counts what the
  // kernel's member lists hold, once the polls after the churn have reached the page.
  const kernel = kernelFloodCount(rings);
  await page.getByLabel('Search keys').fill('flood-');
  await expect(async () => {
    const text = (await page.locator('.search-count').textContent()) ?? '';
    // "20,991 matches", or "1 of 20,991" once a match is current: the last number is the count.
    expect(Number(/([\d,]+)\D*$/.exec(text)?.[1]?.replace(/,/g, '') ?? -1)).toBe(kernel);
  }).toPass({ timeout: 2 * CHANGE_SEEN_MS });
  expect(kernel).toBeGreaterThan(0);
});
