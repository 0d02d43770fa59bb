// "This process only" (issue 15, item 6): another session's keyrings, kernel-held keyrings and the like
// leave the tree, search, the graph and exports; the choice is remembered. The other session is a real
// one: a keyctl process in a session keyring of its own, which this uid may view but serve's process
// does not reach.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { row, FIRST_SCAN_MS } from './support/page';

let server: RunningServer;
let other: ChildProcess | null = null;
let mine = 0;
let theirs = 0;
let theirRing = 0;
/** Names of this run only: a key of an earlier run's other session may still be alive. */
const tag = `${process.pid}`;

test.beforeAll(async () => {
  joinOwnSession();
  mine = Number(keyctl('add', 'user', `po-mine-${tag}`, 'x', '@s'));
  // `exec sleep`: killing the child ends the session's last process, and the session keyring with it. It must
  // outlive this hook and the test (up to 120 s each on a loaded machine: the test's last steps need their
  // keys); afterAll kills it.
  const script = `r=$(keyctl newring po-their-ring-${tag} @s); k=$(keyctl add user po-theirs-${tag} x $r); echo $r $k; exec sleep 600`;
  other = spawn('keyctl', ['session', `po-elsewhere-${tag}`, 'sh', '-c', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  [theirRing, theirs] = await new Promise<[number, number]>((done) =>
    other!.stdout!.once('data', (d: Buffer) => {
      const [r, k] = d.toString().trim().split(' ').map(Number);
      done([r!, k!]);
    }),
  );
  // The oracle: both are in /proc/keys as this uid reads it.
  const proc = readFileSync('/proc/keys', 'utf8');
  expect(proc).toContain(` po-theirs-${tag}: 1`);
  expect(proc).toContain(` po-mine-${tag}: 1`);
  server = await startServe(['--interval', '250']);
});

test.afterAll(async () => {
  other?.kill('SIGKILL');
  await server?.stop();
});

const toggle = (page: Page) => page.getByRole('checkbox', { name: 'This process only' });
const search = (page: Page) => page.getByRole('searchbox', { name: 'Search keys' });
const counter = (page: Page) => page.locator('.search-count');

async function exportUnredacted(page: Page, item: 'SVG picture' | 'Snapshot JSON'): Promise<string> {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const menu = page.getByRole('menu', { name: 'Export' });
  const redact = menu.getByRole('menuitemcheckbox', { name: 'Redact' });
  if ((await redact.getAttribute('aria-checked')) === 'true') await redact.click();
  await expect(redact).toHaveAttribute('aria-checked', 'false');
  const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('menuitem', { name: item }).click()]);
  return readFileSync(await download.path(), 'utf8');
}

test.describe.configure({ timeout: 120_000 });

test("hides other sessions' and kernel-held keyrings from the tree, search, the graph and exports, and is remembered", async ({ page }) => {
  await page.goto(server.url);
  await expect(row(page, mine)).toBeVisible({ timeout: FIRST_SCAN_MS });
  // Other sessions' keyrings on a busy host may push theirs out of the virtualized list: search brings it in.
  await search(page).fill(`po-theirs-${tag}`);
  await expect(counter(page)).toHaveText(/^(1 of 1|1 match)$/);
  await expect(row(page, theirs)).toBeVisible();

  await toggle(page).check();
  await expect(page.locator(`[data-key-id="${theirs}"]`)).toHaveCount(0);
  await expect(page.locator(`[data-key-id="${theirRing}"]`)).toHaveCount(0);
  await expect(counter(page)).toHaveText('no match');
  await search(page).fill(`-${tag}`);
  await expect(counter(page)).toHaveText(/^(1 of 1|1 match)$/);
  await search(page).fill('');
  await expect(row(page, mine)).toBeVisible();
  // What is left is this process's few keyrings: every row is in the page, and no other section is.
  await expect(page.locator('[data-row-id^="sec:"]')).toHaveCount(1);
  await expect(page.locator('[data-row-id="sec:anchors"]')).toBeVisible();
  // It says how much it hides (at least their keyring and key).
  const hidden = page.locator('[data-process-only-hidden]');
  await expect.poll(async () => Number(await hidden.getAttribute('data-process-only-hidden'))).toBeGreaterThanOrEqual(2);

  const json = JSON.parse(await exportUnredacted(page, 'Snapshot JSON')) as { keys: { id: number; links?: number[] | null }[] };
  const ids = new Set(json.keys.map((k) => k.id));
  expect(ids.has(mine)).toBe(true);
  expect(ids.has(theirs) || ids.has(theirRing)).toBe(false);
  // No link points at a key the file leaves out.
  for (const k of json.keys) for (const m of k.links ?? []) expect(ids.has(m), `member ${m}`).toBe(true);
  const treeSvg = await exportUnredacted(page, 'SVG picture');
  expect(treeSvg).toContain('po-mine');
  expect(treeSvg).not.toContain('po-their');

  await page.getByRole('tab', { name: 'Graph' }).click();
  const graph = page.locator('[data-view="graph"]');
  await expect(graph.locator(`[data-key-id="${mine}"]`)).toHaveCount(1);
  await expect(graph.getByRole('button', { name: 'All keyrings' })).toBeDisabled();
  await expect(graph.getByRole('button', { name: "This process's keyrings" })).toHaveAttribute('aria-pressed', 'true');
  const graphSvg = await exportUnredacted(page, 'SVG picture');
  expect(graphSvg).toContain('po-mine');
  expect(graphSvg).not.toContain('po-their');

  // Remembered: a reload keeps it; turning it off brings the other session back in both views.
  await page.goto(server.url);
  await expect(toggle(page)).toBeChecked();
  await expect(row(page, mine)).toBeVisible({ timeout: FIRST_SCAN_MS });
  await expect(row(page, theirRing)).toHaveCount(0);
  await toggle(page).uncheck();
  await search(page).fill(`po-theirs-${tag}`);
  await expect(row(page, theirs)).toBeVisible();
  await search(page).fill('');
  await page.getByRole('tab', { name: 'Graph' }).click();
  // A busy host's other sessions make a big graph (slow to lay out, drawn only where it is on screen):
  // narrow it to theirs first.
  await search(page).fill(`po-their-ring-${tag}`);
  await page.getByLabel('Only matches').check();
  await graph.getByRole('button', { name: 'All keyrings' }).click();
  await expect(graph.locator(`[data-key-id="${theirRing}"]`)).toHaveCount(1, { timeout: 30_000 });
});
