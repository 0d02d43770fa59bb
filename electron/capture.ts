// `screenshot` where Electron runs: the app started with `--kb-capture=OUT.png` draws itself, this waits
// until the view is drawn (the same readiness scripts the chromium engine waits for, viewReady.ts), selects
// a key if asked, writes webContents.capturePage()'s PNG and quits: 0, or 1 with a sentence on stderr.
// main.ts loads this module only when that flag is present. It does not import electron itself: it gets
// the window's webContents and app.exit from main.ts, so it is tested with plain stand-ins.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Redactor, redactingSource } from './cli/redactingSource';
import { clickKeyScript, FOLD_CHANGE_LOG_SCRIPT, PAGE_TEXT_SCRIPT, searchScript, viewReadyScript } from './cli/viewReady';
import type { SnapshotSource } from './keyring/source';

export interface CaptureOptions {
  out: string;
  view: 'tree' | 'graph';
  /** A real key id (translated to its alias id under --kb-redact). */
  select: number | null;
  width: number;
  height: number;
  theme: 'light' | 'dark';
  redact: boolean;
  replaceUids: boolean;
  hideLog: boolean;
  dumpText: string | null;
}

/** What capture needs of Electron's WebContents. */
export interface CaptureContents {
  executeJavaScript(code: string): Promise<unknown>;
  capturePage(): Promise<{ toPNG(): Uint8Array; isEmpty?(): boolean }>;
}

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

const DRAW_TIMEOUT_MS = 30_000;
const SELECT_TIMEOUT_MS = 5_000;
const POLL_STEP_MS = 200;
/** Fit-to-view and selection animations take 300 ms; nothing here measures time. */
const SETTLE_MS = 800;

/** The capture request in Electron's argv (the `--kb-*` flags screenshot.ts passes), or null without --kb-capture. */
export function parseCaptureArgs(argv: readonly string[]): CaptureOptions | null {
  const value = (name: string): string | undefined => {
    const prefix = `--kb-${name}=`;
    return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
  };
  const flag = (name: string) => argv.includes(`--kb-${name}`);
  const out = value('capture');
  if (!out) return null;
  const int = (name: string, fallback: number) => {
    const v = value(name);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback;
  };
  const select = int('select', 0);
  return {
    out,
    view: value('view') === 'graph' ? 'graph' : 'tree',
    select: select > 0 ? select : null,
    width: int('width', 1400),
    height: int('height', 900),
    theme: value('theme') === 'dark' ? 'dark' : 'light',
    redact: flag('redact') || flag('replace-uids'),
    replaceUids: flag('replace-uids'),
    hideLog: flag('hide-log'),
    dumpText: value('dump-text') ?? null,
  };
}

export interface CapturePlan {
  /** The engine's source: redacting when asked, with one Redactor for the run (stable ids across polls). */
  createSource: () => SnapshotSource;
  /** The id the page shows for a real key id; undefined when the page has not been shown that key. */
  shownId(realId: number): number | undefined;
}

export function capturePlan(options: CaptureOptions, createSource: () => SnapshotSource): CapturePlan {
  if (!options.redact) return { createSource, shownId: (id) => id };
  const redactor = new Redactor({ uids: options.replaceUids ? 'replace' : 'keep' });
  return { createSource: () => redactingSource(createSource(), redactor), shownId: (id) => redactor.knownId(id) };
}

export interface CaptureDeps {
  sleep?: (ms: number) => Promise<void>;
  writeFile?: (path: string, data: Uint8Array | string) => void;
}

const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const realWrite = (path: string, data: Uint8Array | string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
};

/** Polls a page expression until it is true; false when `timeoutMs` passes first. */
async function until(contents: CaptureContents, script: string, timeoutMs: number, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  for (let waited = 0; ; waited += POLL_STEP_MS) {
    if ((await contents.executeJavaScript(script).catch(() => false)) === true) return true;
    if (waited >= timeoutMs) return false;
    await sleep(POLL_STEP_MS);
  }
}

/** Waits for the view, selects, and writes the picture (and the page text when asked). */
export async function capture(contents: CaptureContents, options: CaptureOptions, plan: Pick<CapturePlan, 'shownId'>, deps: CaptureDeps = {}): Promise<void> {
  const sleep = deps.sleep ?? realSleep;
  const write = deps.writeFile ?? realWrite;
  if (!(await until(contents, viewReadyScript(options.view), DRAW_TIMEOUT_MS, sleep))) {
    throw new CaptureError(`the ${options.view} view showed no keys within ${DRAW_TIMEOUT_MS / 1000} s`);
  }
  if (options.hideLog) await contents.executeJavaScript(FOLD_CHANGE_LOG_SCRIPT);
  if (options.select !== null) {
    const real = options.select;
    const id = plan.shownId(real);
    const name = `key ${real} (0x${real.toString(16)})`;
    if (id === undefined) throw new CaptureError(`${name} is not among the keys this process sees, so it cannot be selected`);
    if ((await contents.executeJavaScript(clickKeyScript(options.view, id))) !== true) {
      // Off screen (virtualized tree, folded group): search for its id, as a person would, then click.
      await contents.executeJavaScript(searchScript(`0x${id.toString(16)}`));
      if (!(await until(contents, clickKeyScript(options.view, id), SELECT_TIMEOUT_MS, sleep))) {
        throw new CaptureError(`${name} is not shown in the ${options.view} view, so it cannot be selected`);
      }
    }
  }
  await sleep(SETTLE_MS);
  const image = await contents.capturePage();
  if (image.isEmpty?.()) throw new CaptureError('Electron captured an empty picture (is there a display? try xvfb-run, or --engine chromium)');
  write(options.out, image.toPNG());
  if (options.dumpText) write(options.dumpText, String(await contents.executeJavaScript(PAGE_TEXT_SCRIPT)));
}

/** capture(), then exit: 0 when the picture is written, 1 with a sentence on stderr otherwise. */
export async function runCapture(
  contents: CaptureContents,
  options: CaptureOptions,
  plan: Pick<CapturePlan, 'shownId'>,
  exit: (code: number) => void,
  deps: CaptureDeps & { stderr?: (s: string) => void } = {},
): Promise<void> {
  const stderr = deps.stderr ?? ((s: string) => void process.stderr.write(s));
  try {
    await capture(contents, options, plan, deps);
    exit(0);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    stderr(`keyring-browser: Electron could not take the picture: ${reason}\n`);
    exit(1);
  }
}
