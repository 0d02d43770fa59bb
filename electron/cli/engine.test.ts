// Which engine draws a screenshot, and that the request screenshot.ts gives Electron is what capture.ts reads.
import { describe, expect, it } from 'vitest';
import { parseArgs, type ScreenshotArgs } from './args';
import { captureArg, captureRequest } from './capture';
import { pictureEngine } from './engine';
import { captureOptions } from './screenshot';

describe('pictureEngine', () => {
  it('prefers Electron where its binary is installed, else chromium; --engine forces one', () => {
    expect(pictureEngine('auto', () => '/x/electron')).toEqual({ kind: 'electron', binary: '/x/electron' });
    expect(pictureEngine('electron', () => '/x/electron')).toEqual({ kind: 'electron', binary: '/x/electron' });
    expect(pictureEngine('auto', () => null).kind).toBe('chromium');
    expect(pictureEngine('chromium', () => '/x/electron').kind).toBe('chromium');
    expect(() => pictureEngine('electron', () => null)).toThrow(/--engine electron: the Electron binary is not installed here/);
  });
});

describe('captureOptions', () => {
  it('carries every parsed flag to the Electron app, paths made absolute', () => {
    const args = parseArgs(['screenshot', '--out', '/tmp/o.png', '--view', 'graph', '--replace-uids', '--select', '0x2a', '--width', '800', '--height', '600', '--theme', 'dark', '--hide-log', '--dump-text', '/tmp/t.txt']) as ScreenshotArgs;
    expect(captureRequest(['electron', '/app', captureArg(captureOptions(args))])).toEqual({
      out: '/tmp/o.png', view: 'graph', select: 42, selectUser: null, width: 800, height: 600, theme: 'dark', redact: true, replaceUids: true, hideLog: true, dumpText: '/tmp/t.txt',
    });
    const user = parseArgs(['screenshot', '--out', '/tmp/o.png', '--select', 'uid:1000']) as ScreenshotArgs;
    expect(captureRequest(['electron', '/app', captureArg(captureOptions(user))])).toMatchObject({ select: null, selectUser: 1000 });
  });
});
