// The system view in chromium against `serve --all-users` (as root, as CI runs): two throwaway users make
// keys as themselves, and the Users section must show them with their names, a quota gauge at the
// percentage /proc/key-users gives, a search that finds another user's key, and the bytes the kernel
// charges alice for links its garbage collector removed, which no visible key accounts for.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { quotaPercent } from '../shared/quota';
import { addThrowawayUser, fillQuotaTo, quotaBytes, quotaKeys, removeThrowawayUser, runAs, runAsLogin, sessionsCollected, type ThrowawayUser } from '../electron/test/throwawayUsers';
import { joinOwnSession } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { FIRST_SCAN_MS, scrollTreeTo } from './support/page';

let server: RunningServer;
let alice: ThrowawayUser | null = null;
let bob: ThrowawayUser | null = null;
let secret: number;
const SECRET = `e2e-alice-secret-${process.pid}`;
/** 170 of 200 on a default kernel (85 %); the same share of whatever maxkeys this kernel has. */
let bobKeys: number;
let maxkeys: number;

test.beforeAll(async () => {
  joinOwnSession();
  alice = addThrowawayUser('kbea');
  bob = addThrowawayUser('kbeb');
  secret = Number(runAs(alice.uid, 'keyctl', 'add', 'user', SECRET, 'not-a-real-secret', '@u'));
  // 60 keys through a keyring of alice's, invalidated: the collector takes them, the keyring stays charged 4 bytes each.
  const aliceKeys = quotaKeys(alice.uid);
  runAsLogin(alice.uid, 'r=$(keyctl newring e2e-gc @u) && for i in $(seq 1 60); do keyctl invalidate $(keyctl add user e2e-gc-$i x $r); done');
  // The collector says nothing: poll until it has taken them (kernelDid's 30 s).
  await expect.poll(() => quotaKeys(alice!.uid), { timeout: 30_000, message: 'the collector takes the 60 invalidated keys' }).toBe(aliceKeys + 1);
  await sessionsCollected(alice.uid);
  maxkeys = Number(readFileSync('/proc/sys/kernel/keys/maxkeys', 'utf8').trim());
  fillQuotaTo(bob.uid, Math.floor((maxkeys * 85) / 100), 'e2e-bob-');
  bobKeys = quotaKeys(bob.uid);
  server = await startServe(['--all-users', '--interval', '500']);
});

test.afterAll(async () => {
  await server?.stop();
  for (const u of [alice, bob]) {
    removeThrowawayUser(u);
  }
});

const userRow = (page: Page, uid: number) => page.locator(`[role="treeitem"][data-user-uid="${uid}"]`);

test('the Users section lists each user by name and uid', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('treeitem', { name: /^Users/ })).toBeVisible({ timeout: FIRST_SCAN_MS });
  for (const u of [alice!, bob!]) {
    await scrollTreeTo(page, userRow(page, u.uid));
    await expect(userRow(page, u.uid)).toContainText(`${u.name} (uid ${u.uid})`);
  }
});

test("a user's keys gauge shows its share of maxkeys, amber from 80 %, and a click breaks it down by keyring", async ({ page }) => {
  await page.goto(server.url);
  const row = userRow(page, bob!.uid);
  await scrollTreeTo(page, row);
  const meter = row.getByRole('meter', { name: `${bob!.name} (uid ${bob!.uid}): keys quota` });
  const percent = quotaPercent(bobKeys, maxkeys);
  await expect(meter).toHaveAttribute('aria-valuenow', String(bobKeys));
  await expect(meter).toHaveAttribute('aria-valuemax', String(maxkeys));
  await expect(meter).toHaveAttribute('data-quota-level', 'warn');
  await expect(meter).toContainText(`${bobKeys} / ${maxkeys} keys, ${percent} %`);
  if (maxkeys === 200) expect(percent).toBe(85);
  await row.click();
  const details = page.getByRole('complementary', { name: 'User details' });
  await expect(details.getByRole('heading', { name: `${bob!.name} (uid ${bob!.uid})` })).toBeVisible();
  const top = details.getByRole('table', { name: /By keys/ }).getByRole('row').nth(1);
  await expect(top).toContainText(`_uid.${bob!.uid}`); // its user keyring holds nearly all of them
  // By bytes, from the payload lengths /proc/keys states: bob's keys are user keys and keyrings, so every
  // charge is known and they add up to what /proc/key-users charges him (the kernel is the oracle).
  const byBytes = details.getByRole('table', { name: /By bytes/ }).getByRole('row').nth(1);
  await expect(byBytes).toContainText(`_uid.${bob!.uid}`);
  await expect(byBytes).not.toContainText('at least');
  await expect(details.getByTestId('bytes-explained')).toContainText(`Its ${bobKeys} visible keys cost ${quotaBytes(bob!.uid).toLocaleString('en-US')} bytes: all of the`);
});

test("a user's bytes charged to no visible key are hatched on the gauge, counted on the row, and explained on a click", async ({ page }) => {
  await page.goto(server.url);
  const row = userRow(page, alice!.uid);
  await scrollTreeTo(page, row);
  await expect(row.getByTestId('quota-unseen')).toHaveText('240 bytes in no visible key');
  await expect(row.getByRole('meter', { name: `${alice!.name} (uid ${alice!.uid}): bytes quota` })).toHaveAttribute('aria-valuetext', /, 240 bytes in no visible key$/);
  await row.click();
  const details = page.getByRole('complementary', { name: 'User details' });
  const charged = quotaBytes(alice!.uid).toLocaleString('en-US');
  await expect(details.getByTestId('bytes-explained')).toHaveText(
    new RegExp(`^Its 4 visible keys cost ${(quotaBytes(alice!.uid) - 240).toLocaleString('en-US')} bytes of the ${charged} charged\\. 240 bytes are charged to no key this scan can see: a keyring keeps 4 bytes for each link the kernel’s garbage collector removed`),
  );
  // bob's keys account for all he is charged: no count on his row.
  await scrollTreeTo(page, userRow(page, bob!.uid));
  await expect(userRow(page, bob!.uid).getByTestId('quota-unseen')).toHaveCount(0);
});

test("search finds another user's key and reveals it under that user", async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByRole('treeitem', { name: /^Users/ })).toBeVisible({ timeout: FIRST_SCAN_MS });
  await page.getByPlaceholder(/^Search/).fill(SECRET);
  const found = page.locator(`[data-view="tree"] [data-key-id="${secret}"]`).first();
  await expect(found).toBeVisible();
  await expect(found).toHaveAttribute('data-row-id', `u:${alice!.uid}/${await userKeyringOf(page, alice!.uid)}/${secret}`);
  await found.click();
  const details = page.getByRole('complementary', { name: /details/i });
  await expect(details).toContainText(`in ${alice!.name} (uid ${alice!.uid}) › _uid.${alice!.uid}`);
});

/** The id of `_uid.<uid>` as the page shows it. */
async function userKeyringOf(page: Page, uid: number): Promise<number> {
  const id = await page.locator(`[data-view="tree"] [data-row-id^="u:${uid}/"]`).first().getAttribute('data-key-id');
  return Number(id);
}
