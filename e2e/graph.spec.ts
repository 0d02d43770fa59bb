// The graph view in chromium against `serve`, with a topology made by keyutils' keyctl in this worker's
// own session keyring; then the `screenshot` and `demo` commands as whole processes.
import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { joinOwnSession, keyctl } from './support/session';
import { startServe, type RunningServer } from './support/serve';
import { FIRST_SCAN_MS } from './support/page';

const run = promisify(execFile);
const BIN = path.join(__dirname, '..', 'bin', 'keyring-browser');
/** How long one screenshot or demo command may take on a shared machine. */
const COMMAND_MS = 150_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let server: RunningServer;
let session: number;
let ringA: number;
let ringB: number;
let lone: number;
let shared: number;

test.beforeAll(async () => {
  session = joinOwnSession();
  ringA = Number(keyctl('newring', 'e2e-graph-a', '@s'));
  ringB = Number(keyctl('newring', 'e2e-graph-b', '@s'));
  lone = Number(keyctl('add', 'user', 'e2e-graph-lone', 'x', String(ringA)));
  shared = Number(keyctl('add', 'user', 'e2e-graph-shared', 'x', String(ringA)));
  keyctl('link', String(shared), String(ringB));
  server = await startServe(['--interval', '500']);
});

test.afterAll(async () => {
  await server?.stop();
});

const hex = (id: number) => `0x${id.toString(16).padStart(8, '0')}`;

async function openGraph(page: Page) {
  const url = new URL(server.url);
  url.searchParams.set('view', 'graph');
  await page.goto(url.toString());
  await expect(page.locator('[data-view="graph"] [data-layout-thread]')).toBeAttached({ timeout: FIRST_SCAN_MS });
}

const graphNode = (page: Page, id: number) => page.locator(`[data-view="graph"] [data-key-id="${id}"]`);

test('the graph shows the topology: a node per key, an edge per link', async ({ page }) => {
  await openGraph(page);
  for (const id of [ringA, ringB, lone, shared]) await expect(graphNode(page, id)).toHaveCount(1);
  await expect(graphNode(page, lone)).toHaveAttribute('data-key-flags', /^I/);
  for (const [ring, member] of [
    [session, ringA],
    [session, ringB],
    [ringA, lone],
    [ringA, shared],
    [ringB, shared],
  ] as const) {
    await expect(page.locator(`[data-view="graph"] [data-link="${ring}:${member}"]`), `edge ${ring}:${member}`).toHaveCount(1);
  }
});

test('a click on a graph node selects the key in both views, and its pins read in words', async ({ page }) => {
  await openGraph(page);
  await graphNode(page, shared).click();
  const details = page.getByRole('complementary', { name: 'Key details' });
  await expect(details.locator('.details-title')).toHaveText('e2e-graph-shared');
  await expect(details.locator('[data-pins-sentence]')).toContainText('Kept alive by');
  await expect(details.locator('[data-pins-sentence]')).toContainText(`e2e-graph-a (${hex(ringA)})`);
  await expect(details.locator('[data-pins-sentence]')).toContainText(`e2e-graph-b (${hex(ringB)})`);

  await page.getByRole('tab', { name: 'Tree' }).click();
  const selectedRow = page.locator(`[data-view="tree"] [data-key-id="${shared}"][aria-selected="true"]`).first();
  await expect(selectedRow).toBeVisible();
  await expect(details.locator('.details-title')).toHaveText('e2e-graph-shared');
});

test.describe('screenshot and demo commands', () => {
  // Each command starts its own server and chromium and waits for a first scan: half a minute on a busy
  // machine (another session's 40k keys, a loaded CPU), so each gets three minutes.
  test.describe.configure({ timeout: COMMAND_MS + 30_000 });
  let dir: string;
  test.beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kb-shot-'));
  });

  const isPng = (file: string) => existsSync(file) && readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE);

  test('screenshot --view graph writes a PNG', async () => {
    const out = path.join(dir, 'graph.png');
    await run(process.execPath, [BIN, 'screenshot', '--out', out, '--view', 'graph', '--select', String(shared)], { timeout: COMMAND_MS });
    expect(isPng(out)).toBe(true);
  });

  test('demo kerberos.json --screenshot writes a PNG', async () => {
    const out = path.join(dir, 'kerberos.png');
    const fixture = path.join(__dirname, '..', 'docs', 'fixtures', 'kerberos.json');
    await run(process.execPath, [BIN, 'demo', fixture, '--screenshot', out, '--view', 'graph', '--select', 'aliceNfs'], { timeout: COMMAND_MS });
    expect(isPng(out)).toBe(true);
  });

  test('--redact shows none of the descriptions anywhere in the page text', async () => {
    const out = path.join(dir, 'redacted.png');
    const text = path.join(dir, 'redacted.txt');
    // The tree with the shared key selected: rows, the details panel (with its pins sentence), change log, status bar.
    await run(process.execPath, [BIN, 'screenshot', '--out', out, '--redact', '--select', String(shared), '--dump-text', text], { timeout: COMMAND_MS });
    expect(isPng(out)).toBe(true);
    const pageText = readFileSync(text, 'utf8');
    expect(pageText).toContain('Kept alive by');
    expect(pageText).toMatch(/user key #\d+/);
    for (const d of ['e2e-graph-a', 'e2e-graph-b', 'e2e-graph-lone', 'e2e-graph-shared']) expect(pageText).not.toContain(d);
    // Ids are remapped too (the selected key's alias id is what the details panel shows). Aliases count up from
    // 0x10000000 in id order over every key root sees, so other processes' keys (a 40k-key bench) push ours far up.
    expect(pageText).toMatch(/\b1[0-9a-f]{7}\b/);
    for (const id of [session, ringA, ringB, lone, shared]) expect(pageText.toLowerCase(), `id ${id}`).not.toContain(id.toString(16));
  });

  test('a bad fixture exits 2 with the reason', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ keys: [{ name: 'k', description: 'x', in: 'nowhere' }] }));
    const r = await run(process.execPath, [BIN, 'demo', bad, '--screenshot', path.join(dir, 'never.png')]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('keys.0.in: "nowhere" is not a keyring of this fixture');
  });
});
