// A capture request (screenshot where Electron runs) with the stand-in electron module: main.ts loads
// capture.ts, the page's readiness is answered by a fake executeJavaScript, capturePage's PNG is written,
// and the app exits 0 (or 1 with a sentence). Electron's binary is not installed here, so the real
// capture runs only in e2e/electron.spec.ts where it is.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { REDACTED_ID_BASE } from '../../shared/redact';
import { FakeWebContents, fakeElectron as fake } from '../ipc/test/fakeElectron';
import { main } from '../main';
import { FakeSource, fakeKey, fakeSnapshot } from '../service/test/fakeSource';
import { capture, captureArg, capturePlan, captureRequest, runCapture, type CaptureContents, type CaptureOptions } from './capture';

const { nativeTheme } = vi.hoisted(() => ({ nativeTheme: { themeSource: 'system' } }));
vi.mock('electron', () => ({ ...fake.module, nativeTheme }));

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const dir = mkdtempSync(join(tmpdir(), 'kb-capture-'));
const noSleep = async () => {};

/** A page that is drawn once `ready()` is true and has the given keys on screen. */
function fakeContents(ready: () => boolean, onScreen: number[], usersOnScreen: number[] = []) {
  const scripts: string[] = [];
  const contents: CaptureContents & { scripts: string[] } = {
    scripts,
    async executeJavaScript(code: string) {
      scripts.push(code);
      if (code.includes('data-layout-thread') || code.startsWith('!!document')) return ready();
      const click = /data-key-id="(\d+)"/.exec(code);
      if (click) return onScreen.includes(Number(click[1]));
      const user = /data-user-uid=\\"(\d+)\\"/.exec(code);
      if (user) return usersOnScreen.includes(Number(user[1]));
      if (code === 'document.body.innerText') return 'page text';
      return true;
    },
    capturePage: async () => ({ toPNG: () => PNG, isEmpty: () => false }),
  };
  return contents;
}

const options = (o: Partial<CaptureOptions> = {}): CaptureOptions => ({
  out: join(dir, 'x.png'), view: 'tree', select: null, selectUser: null, width: 1400, height: 900, theme: 'light', redact: false, replaceUids: false, hideLog: false, dumpText: null, ...o,
});

describe('captureRequest', () => {
  it('is null without a request, and reads back what captureArg wrote', () => {
    expect(captureRequest(['electron', '/app'])).toBeNull();
    const request = options({ view: 'graph', select: 42, width: 800, height: 600, theme: 'dark', redact: true, replaceUids: true, hideLog: true, dumpText: '/t.txt' });
    expect(captureRequest(['electron', '/app', captureArg(request)])).toEqual(request);
  });

  it('refuses a malformed request in a sentence', () => {
    expect(() => captureRequest(['--kb-capture=/o.png'])).toThrow(/--kb-capture is not JSON/);
    expect(() => captureRequest([`--kb-capture=${JSON.stringify({ ...options(), width: -1 })}`])).toThrow(/--kb-capture is not a capture request/);
    expect(() => captureRequest([`--kb-capture=${JSON.stringify({ ...options(), extra: 1 })}`])).toThrow(/not a capture request/);
  });
});

describe('capture', () => {
  it('waits for the view, selects the key, writes capturePage’s PNG and the page text', async () => {
    let polls = 0;
    const contents = fakeContents(() => ++polls > 2, [7]);
    const written = new Map<string, Uint8Array | string>();
    await capture(contents, options({ select: 7, dumpText: '/t.txt', hideLog: true }), { shownId: (id) => id, shownUid: (uid) => uid }, { sleep: noSleep, writeFile: (p, d) => written.set(p, d) });
    expect(polls).toBe(3);
    expect(written.get(join(dir, 'x.png'))).toEqual(PNG);
    expect(written.get('/t.txt')).toBe('page text');
    expect(contents.scripts.some((s) => s.includes('data-key-id="7"') && s.includes('click()'))).toBe(true);
  });

  it('selects by the alias id under redaction, after searching when the key is off screen', async () => {
    const source = new FakeSource(fakeSnapshot([fakeKey(500, { type: 'keyring', links: [501] }), fakeKey(501)]));
    const plan = capturePlan(options({ redact: true }), () => source);
    const redacted = await plan.createSource().scan();
    expect(redacted.keys.map((k) => k.id)).toEqual([REDACTED_ID_BASE, REDACTED_ID_BASE + 1]);
    expect(plan.shownId(501)).toBe(REDACTED_ID_BASE + 1);
    let searched = false;
    const contents = fakeContents(() => true, []);
    const run = contents.executeJavaScript.bind(contents);
    contents.executeJavaScript = async (code) => {
      if (code.includes('placeholder^="Search"')) {
        searched = code.includes(`0x${(REDACTED_ID_BASE + 1).toString(16)}`);
        return true;
      }
      if (code.includes(`data-key-id="${REDACTED_ID_BASE + 1}"`)) return searched;
      return run(code);
    };
    await capture(contents, options({ select: 501 }), plan, { sleep: noSleep, writeFile: () => {} });
    expect(searched).toBe(true);
  });

  it('selects a user node by uid (--select uid:N), or says the Users section has none', async () => {
    const contents = fakeContents(() => true, [], [4302]);
    await capture(contents, options({ selectUser: 4302 }), { shownId: (id) => id, shownUid: (uid) => uid }, { sleep: noSleep, writeFile: () => {} });
    expect(contents.scripts.some((s) => s.includes('data-user-uid=\\"4302\\"') && s.includes('click()'))).toBe(true);
    await expect(capture(fakeContents(() => true, []), options({ selectUser: 4301 }), { shownId: (id) => id, shownUid: (uid) => uid }, { sleep: noSleep, writeFile: () => {} })).rejects.toThrow(
      "uid 4301 has no node in the tree view's Users section",
    );
  });

  it('fails in a sentence: view never drawn, key not shown, empty picture; runCapture exits 1 saying why', async () => {
    const deps = { sleep: noSleep, writeFile: () => {} };
    await expect(capture(fakeContents(() => false, []), options({ view: 'graph' }), { shownId: (id) => id, shownUid: (uid) => uid }, deps)).rejects.toThrow('the graph view showed no keys within 30 s');
    await expect(capture(fakeContents(() => true, []), options({ select: 9 }), { shownId: (id) => id, shownUid: (uid) => uid }, deps)).rejects.toThrow('key 9 (0x9) is not shown in the tree view');
    await expect(capture(fakeContents(() => true, []), options({ select: 9 }), { shownId: () => undefined, shownUid: () => undefined }, deps)).rejects.toThrow('is not among the keys this process sees');
    const empty = { ...fakeContents(() => true, []), capturePage: async () => ({ toPNG: () => PNG, isEmpty: () => true }) };
    const codes: number[] = [];
    const lines: string[] = [];
    await runCapture(empty, options(), { shownId: (id) => id, shownUid: (uid) => uid }, (c) => codes.push(c), { ...deps, stderr: (s) => lines.push(s) });
    expect(codes).toEqual([1]);
    expect(lines.join('')).toMatch(/^keyring-browser: Electron could not take the picture: Electron captured an empty picture/);
  });
});

describe('main.ts with a capture request', () => {
  it('loads capture.ts, sizes the window, draws the graph, writes the PNG and exits 0', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'kb-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Keyring Browser</title>');
    const source = new FakeSource(fakeSnapshot([fakeKey(300, { type: 'keyring', links: [301] }), fakeKey(301, { description: 'secret' })]));
    // The stand-in WebContents learns what capture needs: the page is "drawn" once the engine has scanned.
    const scripts: string[] = [];
    Object.assign(FakeWebContents.prototype, {
      async executeJavaScript(code: string) {
        scripts.push(code);
        if (code.includes('data-layout-thread')) return source.scans > 0;
        return true;
      },
      capturePage: async () => ({ toPNG: () => PNG, isEmpty: () => false }),
    });
    const exited = new Promise<number>((done) => {
      (fake.app as { exit: (code: number) => void }).exit = (code) => done(code);
    });
    const out = join(dir, 'sub', 'main.png');
    await main({
      rendererDir,
      createSource: () => source,
      argv: ['electron', '/app', captureArg(options({ out, view: 'graph', width: 800, height: 600, theme: 'dark', redact: true, select: 301 }))],
    });
    expect(await exited).toBe(0);
    const window = fake.BrowserWindow.instances[0]!;
    expect(window.options).toMatchObject({ width: 800, height: 600 });
    expect(window.loadedUrl).toBe('app://bundle/index.html?view=graph');
    expect(nativeTheme.themeSource).toBe('dark');
    expect(existsSync(out) && readFileSync(out)).toEqual(Buffer.from(PNG));
    // select names the real id; the page is asked for its alias.
    expect(scripts.some((s) => s.includes(`data-key-id="${REDACTED_ID_BASE + 1}"`))).toBe(true);
    expect(scripts.some((s) => s.includes('data-key-id="301"'))).toBe(false);
  });
});
