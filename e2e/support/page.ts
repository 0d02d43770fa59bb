// Locators and kernel reads that several specs share: a key's tree row, the details panel, and the
// key's /proc/keys line (the oracle for what an action did).
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { hexId } from '../../shared/keyIds';

/** The first tree row that shows key `id` (a key linked from several keyrings has several). */
export const row = (page: Page, id: number) => page.locator(`[data-key-id="${id}"]`).first();

export const details = (page: Page) => page.getByRole('complementary', { name: /details/i });

/** Key `id`'s line in /proc/keys as this process sees it, or '' when it is not there. */
export const procKeysLine = (id: number): string =>
  readFileSync('/proc/keys', 'utf8').split('\n').find((l) => l.startsWith(hexId(id))) ?? '';
