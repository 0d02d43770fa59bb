// "Compare with…" in chromium: real keys changed between two `snapshot --json` files; the window shows the
// later one (`open`), compares it with the earlier, and marks what `diff` lists, line for line. Live, a
// file that is not a snapshot gets its sentence, and a key added since the file is marked.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startOpen, startServe, type RunningServer } from './support/serve';
import { row, FIRST_SCAN_MS } from './support/page';
import { hexId } from '../shared/keyIds';
import { counted } from '../shared/text';

const BIN = path.join(__dirname, '..', 'bin', 'keyring-browser');
const dir = mkdtempSync(path.join(tmpdir(), 'kb-e2e-compare-'));

let server: RunningServer | null = null;
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

function saveSnapshot(name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, execFileSync(process.execPath, [BIN, 'snapshot', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  return file;
}

/** The id of the key a diff line is about (its first "(0000002a)"), NaN for a line about no key (a quota's). */
const idIn = (line: string): number => parseInt(/\(([0-9a-f]{8})\)/.exec(line)?.[1] ?? '', 16);

async function compareWith(page: Page, file: string | string[]): Promise<void> {
  await page.locator('input[type=file][aria-label="Snapshot file to compare with"]').setInputFiles(file);
}

test('compare an opened file with an earlier one: the tree marks what diff lists', async ({ page }) => {
  joinOwnSession();
  const ring = Number(keyctl('newring', 'e2e-cmp-ring', '@s'));
  const stays = Number(keyctl('add', 'user', 'e2e-cmp-stays', 'x', String(ring)));
  const goes = Number(keyctl('add', 'user', 'e2e-cmp-goes', 'x', String(ring)));
  const before = saveSnapshot('before.json');
  keyctl('setperm', String(stays), '0x3f3f0000');
  keyctl('unlink', String(goes), String(ring));
  const added = Number(keyctl('add', 'user', 'e2e-cmp-new', 'x', String(ring)));
  const after = saveSnapshot('after.json');
  // Root sees every session's keys, so both files also hold what other processes on this machine changed
  // meanwhile, descriptions with newlines included: diff's text is compared whole (never split into lines),
  // and the count comes from its JSON.
  const cli = spawnSync(process.execPath, [BIN, 'diff', before, after], { encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(cli.status).toBe(1);
  const cliJson = spawnSync(process.execPath, [BIN, 'diff', before, after, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(cliJson.status).toBe(1);
  const cliDifferences = (JSON.parse(cliJson.stdout) as { differences: unknown[] }).differences;

  server = await startOpen(after);
  await page.goto(server.url);
  await expect(row(page, stays)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await page.getByRole('button', { name: 'Compare with…' }).click({ noWaitAfter: true });
  await compareWith(page, before);

  // The page reads the whole file and compares every key root saw (another session's 40k, on a shared machine).
  const differences = page.getByRole('region', { name: 'Differences' });
  await expect(differences).toContainText('from before.json (taken', { timeout: FIRST_SCAN_MS });
  await expect(differences).toContainText(`to after.json: ${counted(cliDifferences.length, 'difference')}`);
  await expect(page.getByRole('region', { name: 'Change log' })).toHaveCount(0);
  // Each line is diff's line: the kind, then the words (whole in the tooltip); together, diff's output.
  const shown = await differences.locator('li').evaluateAll((lis) =>
    lis.map((li) => `${li.querySelector('.log-kind')!.textContent!.padEnd(10)}${li.querySelector('.log-subject')!.getAttribute('title')}`),
  );
  expect(shown).toHaveLength(cliDifferences.length);
  expect(shown.map((line) => line + '\n').join('')).toBe(cli.stdout);
  // This test's own three changes, each on its line in diff's words (other lines are other processes').
  const ourIds = new Set([ring, stays, goes, added]);
  const ours = shown.filter((l) => ourIds.has(idIn(l)));
  expect(ours).toEqual([
    `changed   user “e2e-cmp-stays” (${hexId(stays)}): permissions 3f010000 → 3f3f0000 (user: -----v → alswrv)`,
    `added     user “e2e-cmp-new” (${hexId(added)}) in keyring “e2e-cmp-ring” (${hexId(ring)})`,
    `removed   user “e2e-cmp-goes” (${hexId(goes)}) from keyring “e2e-cmp-ring” (${hexId(ring)})`,
  ].sort((a, b) => idIn(a) - idIn(b)));

  await expect(row(page, added).locator('.badge-cmp-added')).toHaveText('added');
  await expect(row(page, stays).locator('.badge-cmp-changed')).toHaveAttribute('title', /permissions 3f010000 → 3f3f0000/);
  const ghost = page.locator(`[data-ghost-key-id="${goes}"]`);
  await expect(ghost).toContainText('e2e-cmp-goes');
  await expect(ghost).toContainText('removed');
  await expect(row(page, ring).locator('.badge-cmp-added, .badge-cmp-changed')).toHaveCount(0);
  await page.screenshot({ path: path.join(tmpdir(), 'kb-compare.png') });

  // A line goes to its key.
  await differences.getByRole('button', { name: /e2e-cmp-new/ }).click();
  await expect(row(page, added)).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('button', { name: 'Close comparison' }).click();
  await expect(differences).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Change log' })).toBeVisible();
  await expect(ghost).toHaveCount(0);
  await expect(row(page, added).locator('.badge-cmp-added')).toHaveCount(0);
});

test('live: a bad file is one sentence; a key added since the file is marked', async ({ page }) => {
  joinOwnSession();
  const before = saveSnapshot('live-before.json');
  const bad = path.join(dir, 'notes.json');
  writeFileSync(bad, 'these are my notes');
  server = await startServe(['--interval', '250']);
  await page.goto(server.url);
  const fresh = Number(keyctl('add', 'user', 'e2e-cmp-fresh', 'x', '@s'));
  // The first scan can take a while on a busy machine with a bench's 40k keys in other sessions.
  await expect(row(page, fresh)).toBeVisible({ timeout: 45_000 });

  await compareWith(page, bad);
  await expect(page.getByRole('alert')).toHaveText(/^notes\.json: the file is not JSON/);
  await compareWith(page, before);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Differences' })).toContainText('from live-before.json (taken', { timeout: FIRST_SCAN_MS });
  await expect(page.getByRole('region', { name: 'Differences' })).toContainText('to now:');
  await expect(row(page, fresh).locator('.badge-cmp-added')).toHaveText('added');
});

test('two files chosen at once: the later is shown, compared with the earlier', async ({ page }) => {
  joinOwnSession();
  const first = saveSnapshot('first.json');
  const added = Number(keyctl('add', 'user', 'e2e-cmp-between', 'x', '@s'));
  const second = saveSnapshot('second.json');
  keyctl('unlink', String(added), '@s');
  server = await startServe(['--interval', '250']);
  await page.goto(server.url);
  // The first scan can take a while on a busy machine with a bench's 40k keys in other sessions.
  await expect(page.locator('.statusbar')).toContainText('Live', { timeout: 45_000 });
  await compareWith(page, [second, first]);
  await expect(page.getByRole('status').filter({ hasText: 'second.json' })).toContainText('Saved snapshot: second.json', { timeout: FIRST_SCAN_MS });
  const differences = page.getByRole('region', { name: 'Differences' });
  await expect(differences).toContainText('from first.json (taken');
  await expect(differences).toContainText('to second.json:');
  await expect(row(page, added).locator('.badge-cmp-added')).toHaveText('added');
  await page.getByRole('button', { name: 'Back to live keys' }).click();
  await expect(page.locator('.statusbar')).toContainText('Live', { timeout: 45_000 });
  await expect(differences).toHaveCount(0);
});
