// Locators and kernel reads that several specs share: a key's tree row, the details panel, and the
// key's /proc/keys line (the oracle for what an action did).
import { readFileSync } from 'node:fs';
import { expect, type Locator, type Page } from '@playwright/test';
import { hexId } from '../../shared/keyIds';
import { FIRST_SCAN_MS } from './scanTime';

/** The first tree row that shows key `id` (a key linked from several keyrings has several). */
export const row = (page: Page, id: number) => page.locator(`[data-key-id="${id}"]`).first();

/**
 * Scrolls the tree until `target` is drawn, then into view. The tree keeps only the rows near its view in the DOM
 * (useRowWindow), so a row far down (the users after root's keys, on a machine where another process holds
 * thousands) is not there to scroll to until the list has been scrolled near it.
 */
export async function scrollTreeTo(page: Page, target: Locator): Promise<void> {
  const scroller = page.locator('[data-view="tree"] .tree-scroll');
  await expect(async () => {
    if ((await target.count()) === 0) {
      await scroller.evaluate((el) => el.scrollBy(0, el.clientHeight * 0.8));
      throw new Error('not drawn yet');
    }
  }).toPass({ timeout: CHANGE_SEEN_MS });
  await target.scrollIntoViewIfNeeded();
}

export const details = (page: Page) => page.getByRole('complementary', { name: /details/i });

/** Key `id`'s line in /proc/keys as this process sees it, or '' when it is not there. */
export const procKeysLine = (id: number): string =>
  readFileSync('/proc/keys', 'utf8').split('\n').find((l) => l.startsWith(hexId(id))) ?? '';

/**
 * Turns the read-only switch off and waits until the engine's side says it is off: the switch lives on
 * the server (electron/service/dispatch.ts), so the box changes only when the answer comes back.
 */
export async function allowChanges(page: Page): Promise<void> {
  const sw = page.getByRole('switch', { name: /read-only/i });
  await sw.click();
  await expect(sw).not.toBeChecked();
}

/** How long a server's first scan may take (scanTime.ts): nothing can be checked before it. */
export { FIRST_SCAN_MS };

/** Opens the app at `url` and waits for its first scan: the tree is drawn. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('tree')).toBeVisible({ timeout: FIRST_SCAN_MS });
}

/** How long a change may take to reach the screen: a few polls, each of which can take seconds on a shared machine. */
export const CHANGE_SEEN_MS = 30_000;

/**
 * Waits for an action's dialog to close. The service answers an action after a poll that shows its outcome, and
 * on a shared machine (another session's 40k keys, load 13) one poll took longer than expect's 10 s.
 */
export async function closes(dialog: Locator): Promise<void> {
  await expect(dialog).toBeHidden({ timeout: CHANGE_SEEN_MS });
}
