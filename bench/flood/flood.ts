// The page under a flood of deltas: `serve` over 40k real keys in this process's own session keyring while a
// child process churns them (bench/flood/churn.ts: keys added, removed and changed many times a second, and a
// keyring of thousands of keys added or cleared every other second), and chromium's page answering clicks and key
// presses meanwhile. Each input's latency is measured by the page (bench/flood/inputProbe.ts): from the input's
// own time stamp to the frame that shows its effect. At the end the churn stops and the page must show the
// kernel's keys exactly (its search counts the churned keys; the kernel's member lists are the oracle).
import { chromium } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import readline from 'node:readline';
import * as keyctl from '../../electron/keyring/keyctl';
import { CHROMIUM_ARGS, chromiumPath } from '../../electron/cli/chromium';
import { hexId } from '../../shared/keyIds';
import { within } from '../bounded';
import { ms, type BenchRow } from '../table';
import { kernelFloodCount } from './churn';
import { installInputProbe, type ProbeApi, type ProbeResult } from './inputProbe';
import { floodMissedPage } from './reachedPage';

export interface FloodOptions {
  root: string;
  keyrings: number;
  perRing: number;
  /** Changes per second the churn makes (a third each added, removed, changed). */
  churnPerSecond: number;
  /** Keys in the keyring the churn adds or clears every other second. */
  burstKeys: number;
  intervalMs: number;
  /** Inputs measured (clicks and key presses, alternating). */
  inputs: number;
  screenshot?: string;
  log?: (line: string) => void;
}

export interface FloodResult {
  latencies: ProbeResult['latencies'];
  delays: ProbeResult['delays'];
  wsMessages: number;
  wsMiB: number;
  longTaskMs: number;
  longTasks: number;
  longestTaskMs: number;
  longTaskList: [number, number][];
  floodSeconds: number;
  churned: Record<string, number>;
  /** The page's count of the churned keys at the end, and the kernel's. */
  finalShown: number;
  finalKernel: number;
}

const BIN = (root: string) => join(root, 'bin', 'keyring-browser');

function startServe(root: string, intervalMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN(root), 'serve', '--port', '0', '--interval', String(intervalMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const started = new Promise<{ url: string; child: ChildProcess }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    lines.once('line', (url) => resolve({ url: url.trim(), child }));
  });
  return within(started, 60_000, "serve's URL (its first line)").catch((err: unknown) => {
    child.kill();
    throw err;
  });
}

export async function runFlood(o: FloodOptions): Promise<FloodResult> {
  const log = o.log ?? (() => {});
  const session = keyctl.joinSessionKeyring(null);
  // The keys a person clicks: first under the session keyring (keyrings sort before keys, then by description).
  const targets = [keyctl.addKey('keyring', 'aaa-target-1', null, session), keyctl.addKey('keyring', 'aaa-target-2', null, session)];
  const rings: number[] = [];
  const payload = Buffer.from('x');
  for (let r = 0; r < o.keyrings; r++) {
    const ring = keyctl.addKey('keyring', `bench-ring-${r}`, null, session);
    rings.push(ring);
    for (let i = 0; i < o.perRing; i++) keyctl.addKey('user', `bench-key-${r}-${i}`, payload, ring);
  }
  log(`flood: ${o.keyrings * (o.perRing + 1)} keys built`);
  const serve = await startServe(o.root, o.intervalMs);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  let churn: ChildProcess | null = null;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(installInputProbe);
    await page.goto(serve.url);
    const rowOf = (id: number) => page.locator(`[data-key-id="${id}"]`).first();
    page.on('console', (m) => log(`page: ${m.text()}`));
    try {
      await page.getByRole('tree').waitFor({ timeout: 120_000 });
      // By description: the targets (aaa-…) are the session keyring's first rows, wherever its member list has them.
      await page.locator('.tree-header button', { hasText: /^Key/ }).first().click();
      await rowOf(targets[1]!).waitFor({ timeout: 120_000 });
    } catch (e) {
      if (o.screenshot) await page.screenshot({ path: o.screenshot });
      log(JSON.stringify(await page.evaluate(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.result())));
      throw e;
    }
    log('flood: first snapshot shown; churn starts');
    const churnStarted = Date.now();
    churn = spawn(process.execPath, [join(o.root, 'dist', 'bench', 'flood', 'churn.js'), rings.join(','), String(o.churnPerSecond), String(o.burstKeys)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const churnOut: Promise<string> = new Promise((resolve) => {
      let text = '';
      churn!.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      churn!.once('exit', () => resolve(text));
    });
    const profiler = process.env.FLOOD_PROFILE ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 1000 });
      await profiler.send('Profiler.start');
    }
    // Let the flood reach the page: the first burst and a few polls.
    await page.waitForTimeout(Math.max(3000, 4 * o.intervalMs));
    const started = Date.now();
    await page.evaluate(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.reset());
    for (let i = 0; i < o.inputs; i++) {
      const target = targets[i % 2]!;
      if (i % 4 < 2) {
        const box = await rowOf(target).boundingBox();
        if (!box) throw new Error('flood: the target row is not drawn');
        await page.evaluate(
          ([sel, text]) => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.expect('click a row', { selector: sel!, text }),
          ['aside.details', hexId(target)],
        );
        await page.mouse.click(box.x + 40, box.y + box.height / 2);
      } else if (i % 4 === 2) {
        await page.evaluate(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.expect('key press', { selector: '.act-modal' }));
        await page.keyboard.press('?');
      } else {
        await page.evaluate(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.expect('key press', { selector: '.act-modal', gone: true }));
        await page.keyboard.press('Escape');
      }
      await page.waitForFunction(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.done(), undefined, { timeout: 180_000, polling: 50 });
      if (o.screenshot && i === Math.floor(o.inputs / 2)) await page.screenshot({ path: o.screenshot });
      await page.waitForTimeout(200 + Math.random() * 300);
    }
    const floodSeconds = (Date.now() - started) / 1000;
    const probe = await page.evaluate(() => (globalThis as unknown as { __kbProbe: ProbeApi }).__kbProbe.result());
    churn.kill('SIGTERM');
    const churnSeconds = (Date.now() - churnStarted) / 1000;
    const churned = JSON.parse((await within(churnOut, 60_000, "the churn's end after SIGTERM")).trim().split('\n').pop() || '{}') as Record<string, number>;
    churn = null;
    // The churn's changes while the inputs were measured (it runs at an even rate, a burst of burstKeys every 2 s).
    const changes = (churned.added ?? 0) + (churned.removed ?? 0) + (churned.changed ?? 0) + (churned.bursts ?? 0) * o.burstKeys;
    const missed = floodMissedPage({ messages: probe.wsMessages, bytes: probe.wsBytes }, Math.round((changes * floodSeconds) / churnSeconds));
    if (missed) throw new Error(`flood: ${missed}`);
    // Exact at the end: the page's search for the churned keys counts what the kernel lists.
    const finalKernel = kernelFloodCount(rings);
    log(`flood: ${JSON.stringify({ ...probe, latencies: undefined, delays: undefined, churned })}`);
    await page.getByLabel('Search keys').fill('flood-');
    let finalShown = -1;
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      const text = (await page.locator('.search-count').textContent({ timeout: 120_000 })) ?? '';
      // "20,991 matches", or "1 of 20,991" once a match is current: the last number is the count.
      finalShown = Number(/([\d,]+)\D*$/.exec(text)?.[1]?.replace(/,/g, '') ?? -1);
      if (finalShown === finalKernel) break;
      await page.waitForTimeout(250);
    }
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(process.env.FLOOD_PROFILE!, JSON.stringify(profile));
    }
    if (o.screenshot) await page.screenshot({ path: o.screenshot.replace(/\.png$/, '-end.png') });
    return {
      latencies: probe.latencies,
      delays: probe.delays,
      wsMessages: probe.wsMessages,
      wsMiB: probe.wsBytes / 1024 / 1024,
      longTaskMs: probe.longTaskMs,
      longTasks: probe.longTasks,
      longestTaskMs: probe.longestTaskMs,
      longTaskList: probe.longTaskList,
      floodSeconds,
      churned,
      finalShown,
      finalKernel,
    };
  } finally {
    churn?.kill('SIGTERM');
    await browser.close();
    serve.child.kill('SIGTERM');
    keyctl.clear(session);
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** The flood's table for `npm run bench` (BENCH_ONLY=flood): each input kind's latency, the page's long tasks, the end. */
export async function floodTable(root: string): Promise<{ title: string; columns: string[]; rows: BenchRow[] } | string> {
  if (!existsSync(chromiumPath())) return `Flood bench skipped: no chromium at ${chromiumPath()} (set CHROMIUM_PATH).`;
  const o = { keyrings: 400, perRing: 100, churnPerSecond: 3000, burstKeys: 20_000, intervalMs: 400, inputs: 24 };
  const r = await runFlood({ root, ...o });
  const col = 'under the flood';
  const row = (name: string, value: string): BenchRow => ({ name, values: { [col]: value } });
  const of = (kind: string) => r.latencies.filter((x) => x.kind === kind).map((x) => x.ms);
  const spread = (v: number[]) => `${ms(percentile(v, 50))} / ${ms(percentile(v, 95))} / ${ms(Math.max(...v))}`;
  return {
    title:
      `The page under a flood of deltas (serve over ${o.keyrings * (o.perRing + 1)} keys of its own, polling every ${o.intervalMs} ms, ` +
      `a churn of ${o.churnPerSecond} changes/s and a ${o.burstKeys}-key keyring added or cleared every 2 s; chromium)`,
    columns: [col],
    rows: [
      row(`click a row → its details drawn (p50 / p95 / max of ${of('click a row').length})`, spread(of('click a row'))),
      row(`key press (? and Escape) → the help drawn or gone (p50 / p95 / max of ${of('key press').length})`, spread(of('key press'))),
      row('  longest wait of an input for the page to take it', ms(Math.max(...r.delays.map((d) => d.ms)))),
      row(`page: long tasks in the ${r.floodSeconds.toFixed(0)} s of inputs (count, sum, longest)`, `${r.longTasks}, ${ms(r.longTaskMs)}, ${ms(r.longestTaskMs)}`),
      row('page: WebSocket messages received meanwhile', `${r.wsMessages} (${r.wsMiB.toFixed(1)} MiB)`),
      row('at the end: churned keys shown / in the kernel', `${r.finalShown} / ${r.finalKernel}`),
    ],
  };
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', '..');
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  runFlood({
    root,
    keyrings: env('FLOOD_KEYRINGS', 400),
    perRing: env('FLOOD_PER_RING', 100),
    churnPerSecond: env('FLOOD_RATE', 3000),
    burstKeys: env('FLOOD_BURST', 5000),
    intervalMs: env('FLOOD_INTERVAL', 500),
    inputs: env('FLOOD_INPUTS', 24),
    screenshot: process.env.FLOOD_SCREENSHOT,
    log: (l) => process.stderr.write(l + '\n'),
  }).then(
    (r) => {
      const by = (kind: string, list: { kind: string; ms: number }[]) => list.filter((x) => x.kind === kind).map((x) => x.ms);
      for (const kind of ['click a row', 'key press']) {
        const l = by(kind, r.latencies);
        const d = by(kind, r.delays);
        process.stdout.write(
          `${kind}: n=${l.length} latency p50 ${percentile(l, 50).toFixed(1)} p95 ${percentile(l, 95).toFixed(1)} max ${Math.max(...l).toFixed(1)} ms; ` +
            `queueing p50 ${percentile(d, 50).toFixed(1)} max ${Math.max(...d).toFixed(1)} ms\n`,
        );
      }
      const { latencies: _l, delays: _d, ...rest } = r;
      process.stdout.write(JSON.stringify(rest) + '\n');
    },
    (e) => {
      process.stderr.write(String(e instanceof Error ? e.stack : e) + '\n');
      process.exit(1);
    },
  );
}
