// The README's pictures of saved files, part of `npm run docs:pictures`: Compare with… on the diff example's
// own two snapshots (docs/images/compare.png), and a replay of a recording stepped to a revocation
// (docs/images/replay.png). Both are made from real keys, as README's diff example says: as nobody, in a
// fresh session keyring, so that no other process's keys show. The files are then opened in Debian's
// chromium (`keyring-browser open`), as a person would. Needs root (setpriv) and a built dist/.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium } from '@playwright/test';
import chromiumFlags from '../dist/electron/cli/chromium.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'keyring-browser');
const IMAGES = path.join(ROOT, 'docs', 'images');
const VIEWPORT = { width: 1400, height: 860 };
const work = mkdtempSync(path.join(tmpdir(), 'kb-file-pictures-'));
chmodSync(work, 0o777);

/** Runs a shell script as nobody in a fresh session keyring of its own (README's diff example). */
function asNobody(script) {
  const file = path.join(work, `script-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, `set -e\ncd ${work}\nKB="${process.execPath} ${BIN}"
kb() { $KB "$@"; }\n${script}\n`, { mode: 0o755 });
  execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'keyctl', 'session', '-', 'bash', file], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** `keyring-browser open FILE`: resolves with its URL (token included) and a stop function. */
async function open(file) {
  const child = spawn(process.execPath, [BIN, 'open', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`open ${file} exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(line.trim()));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function picture(file, out, steps) {
  const server = await open(file);
  const browser = await chromium.launch({ executablePath: chromiumFlags.chromiumPath(), args: chromiumFlags.CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
    await page.goto(server.url);
    await page.getByRole('tree').waitFor({ timeout: 60_000 });
    await steps(page);
    await page.mouse.move(0, VIEWPORT.height - 1); // no hover highlight
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(IMAGES, out) });
    console.log(`wrote docs/images/${out}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

try {
  // Compare with…: README's diff example, after.json shown, compared with before.json.
  asNobody(`
ring2=$(keyctl newring ring2 @s); perm=$(keyctl add user permMe x @s); rev=$(keyctl add user revokeMe x @s)
tim=$(keyctl add user timeMe x @s); unl=$(keyctl add user unlinkMe x @s); keyctl link $unl $ring2 >/dev/null
gone=$(keyctl add user goneSoon x @s)
kb snapshot --json > before.json
keyctl add user newKey x @s >/dev/null; keyctl revoke $rev; keyctl unlink $unl $ring2 >/dev/null
keyctl setperm $perm 0x3f3f0000; keyctl timeout $tim 60; keyctl unlink $gone @s >/dev/null
kb snapshot --json > after.json`);
  await picture(path.join(work, 'after.json'), 'compare.png', async (page) => {
    await page.locator('input[type=file][aria-label="Snapshot file to compare with"]').setInputFiles(path.join(work, 'before.json'));
    await page.getByRole('region', { name: 'Differences' }).getByText('from before.json').waitFor();
  });

  // Replay: a recording made by serve --record while a web app's sessions come and go, stepped to the
  // revocation of one of them.
  asNobody(`
$KB serve --port 0 --interval 200 --record rec.jsonl > /dev/null & serve=$!
until [ -s rec.jsonl ]; do sleep 0.2; done; sleep 1
web=$(keyctl newring web-sessions @s); sleep 1
alice=$(keyctl add user session:alice x $web); sleep 1
bob=$(keyctl add user session:bob x $web); sleep 1
keyctl add logon db:password x @s >/dev/null; sleep 1
keyctl timeout $alice 600; sleep 1
keyctl revoke $bob; sleep 1
kill $serve; wait $serve || true`);
  await picture(path.join(work, 'rec.jsonl'), 'replay.png', async (page) => {
    await page.getByRole('searchbox').fill('session:');
    const slider = page.getByRole('slider');
    await slider.focus();
    await page.keyboard.press('End');
    // Back from the end to the revocation, should polls after it have logged more.
    for (let i = 0; i < 5 && !(await page.getByRole('region', { name: 'Change log' }).locator('.log-line').first().textContent())?.includes('revoked'); i++) {
      await page.keyboard.press('ArrowLeft');
    }
    await page.getByRole('region', { name: 'Change log' }).locator('.log-line').first().filter({ hasText: 'revoked' }).waitFor();
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
