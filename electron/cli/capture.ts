// `screenshot` where Electron runs: the app started with a capture request (captureArg) draws itself, this waits
// until the view is drawn (the same readiness scripts the chromium engine waits for, viewReady.ts), selects
// a key if asked, writes webContents.capturePage()'s PNG and quits: 0, or 1 with a sentence on stderr.
// This is the screenshot command's half that runs inside the Electron app: main.ts loads it only when the
// request is on the command line. It does not import electron itself: it gets the window's webContents
// and app.exit from main.ts, so it is tested with plain stand-ins.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SnapshotSource } from '../keyring/source';
import { Redactor, redactingSource } from './redactingSource';
import { clickKeyScript, clickUserScript, FOLD_CHANGE_LOG_SCRIPT, PAGE_TEXT_SCRIPT, searchScript, viewReadyScript } from './viewReady';

export interface CaptureOptions {
  out: string;
  view: 'tree' | 'graph';
  /** A real key id (translated to its alias id when redacting). */
  select: number | null;
  /** A real uid whose Users-section node to select (translated when uids are replaced). */
  selectUser: number | null;
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

/**
 * The one argument that carries a capture request from the CLI to the Electron app: the options the CLI
 * has already parsed and checked (screenshot.ts), as JSON. Electron's main process parses no CLI flags.
 * main.ts looks for this prefix before it loads this module.
 */
const CAPTURE_FLAG = '--kb-capture=';

const captureOptionsSchema: z.ZodType<CaptureOptions> = z
  .object({
    out: z.string().min(1),
    view: z.enum(['tree', 'graph']),
    select: z.number().int().positive().nullable(),
    selectUser: z.number().int().nonnegative().max(0xfffffffe).nullable(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    theme: z.enum(['light', 'dark']),
    redact: z.boolean(),
    replaceUids: z.boolean(),
    hideLog: z.boolean(),
    dumpText: z.string().min(1).nullable(),
  })
  .strict();

/** The argument for Electron's command line (after the app directory). */
export function captureArg(options: CaptureOptions): string {
  return `${CAPTURE_FLAG}${JSON.stringify(options)}`;
}

/** The capture request in Electron's argv, or null without one; a malformed one is a CaptureError. */
export function captureRequest(argv: readonly string[]): CaptureOptions | null {
  const arg = argv.find((a) => a.startsWith(CAPTURE_FLAG));
  if (arg === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(arg.slice(CAPTURE_FLAG.length));
  } catch {
    throw new CaptureError(`${CAPTURE_FLAG.slice(0, -1)} is not JSON (it is made by \`keyring-browser screenshot\`)`);
  }
  const parsed = captureOptionsSchema.safeParse(json);
  if (!parsed.success) throw new CaptureError(`${CAPTURE_FLAG.slice(0, -1)} is not a capture request: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export interface CapturePlan {
  /** The engine's source: redacting when asked, with one Redactor for the run (stable ids across polls). */
  createSource: () => SnapshotSource;
  /** The id the page shows for a real key id; undefined when the page has not been shown that key. */
  shownId(realId: number): number | undefined;
  /** The uid the page shows for a real uid; undefined when the page has not been shown it. */
  shownUid(realUid: number): number | undefined;
}

export function capturePlan(options: CaptureOptions, createSource: () => SnapshotSource): CapturePlan {
  if (!options.redact) return { createSource, shownId: (id) => id, shownUid: (uid) => uid };
  const redactor = new Redactor({ uids: options.replaceUids ? 'replace' : 'keep' });
  return { createSource: () => redactingSource(createSource(), redactor), shownId: (id) => redactor.knownId(id), shownUid: (uid) => redactor.knownUid(uid) };
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
export async function capture(contents: CaptureContents, options: CaptureOptions, plan: Pick<CapturePlan, 'shownId' | 'shownUid'>, deps: CaptureDeps = {}): Promise<void> {
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
  if (options.selectUser !== null) {
    const real = options.selectUser;
    const uid = plan.shownUid(real);
    if (uid === undefined || !(await until(contents, clickUserScript(options.view, uid), SELECT_TIMEOUT_MS, sleep))) {
      throw new CaptureError(`uid ${real} has no node in the ${options.view} view's Users section, so it cannot be selected`);
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
  plan: Pick<CapturePlan, 'shownId' | 'shownUid'>,
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
