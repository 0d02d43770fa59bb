// The menu's commands with the stand-in electron: native open and save dialogs, files handed to the page
// as text (a bad file is its sentence in a native box, and nothing reaches the page), recording to a new
// file and stopping, the theme, About with the version, and the files a command line names.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppCommand } from '../../shared/api';
import { snapshotFileText } from '../../shared/snapshotFile';
import { testKey, testSnapshot } from '../../shared/testing';
import { fakeElectron as fake } from '../ipc/test/fakeElectron';
import { FakeSource } from '../service/test/fakeSource';
import { KeyringService } from '../service/keyringService';
import { DesktopApp, filesInArgv } from './desktopCommands';

vi.mock('electron', () => fake.module);

const dir = mkdtempSync(join(tmpdir(), 'kb-desktop-'));
const good = join(dir, 'before.json');
writeFileSync(good, snapshotFileText(testSnapshot([testKey(0x2a)])));
const bad = join(dir, 'notes.json');
writeFileSync(bad, 'my notes');

let toPage: AppCommand[];
let desktop: DesktopApp;
let service: KeyringService;

beforeEach(() => {
  toPage = [];
  fake.dialog.shown.length = 0;
  fake.dialog.opened.length = 0;
  fake.dialog.nextOpen = [];
  fake.dialog.nextSave = null;
  service = new KeyringService({ source: new FakeSource() });
  desktop = new DesktopApp({ window: () => null, toPage: (c) => toPage.push(c), recordable: service, log: () => {}, now: () => Date.UTC(2026, 10, 30, 9, 0, 0) });
  desktop.installMenu();
});

/** Waits for the command's dialogs and reads to settle. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('File → Open… and Compare with…', () => {
  it('ask with a native open dialog for snapshots and recordings, and hand the file to the page', async () => {
    fake.dialog.nextOpen = [good];
    desktop.open();
    await settle();
    expect(fake.dialog.opened[0]).toMatchObject({ properties: ['openFile'], filters: [{ extensions: ['json', 'jsonl'] }, { extensions: ['*'] }] });
    expect(toPage).toEqual([{ kind: 'open-file', name: 'before.json', text: readFileSync(good, 'utf8') }]);
    desktop.compare();
    await settle();
    expect(toPage[1]).toMatchObject({ kind: 'compare-file', name: 'before.json' });
  });

  it('a cancelled dialog does nothing', async () => {
    desktop.open();
    await settle();
    expect(toPage).toEqual([]);
    expect(fake.dialog.shown).toEqual([]);
  });

  it.each([
    ['not JSON', bad, /notes\.json: the file is not JSON/],
    ['missing', join(dir, 'gone.json'), /gone\.json: cannot read it: no such file/],
    ['a directory', join(dir, 'sub.json'), /sub\.json: it is a directory, not a file/],
  ])('a file that is %s is its sentence in an error box, and nothing reaches the page', async (_what, path, sentence) => {
    if (path.endsWith('sub.json')) mkdirSync(path, { recursive: true });
    fake.dialog.nextOpen = [path];
    desktop.open();
    await settle();
    expect(toPage).toEqual([]);
    expect(fake.dialog.shown.at(-1)!.options).toMatchObject({ type: 'error', message: expect.stringMatching(sentence) });
  });
});

describe('File → Record…', () => {
  it('asks where with a native save dialog, records there until unchecked, and checks the menu item meanwhile', async () => {
    const file = join(dir, 'rec.jsonl');
    fake.dialog.nextSave = file;
    desktop.toggleRecording();
    await settle();
    expect(fake.dialog.saved.at(-1)).toMatchObject({ defaultPath: 'keyrings-2026-11-30-09-00-00.jsonl' });
    expect(recordItem()).toMatchObject({ checked: true });
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!)).toMatchObject({ format: 1, kind: 'recording' });
    desktop.toggleRecording();
    expect(recordItem()).toMatchObject({ checked: false });
  });

  it('never overwrites: an existing file is refused in a sentence, and the item stays unchecked', async () => {
    fake.dialog.nextSave = good;
    const before = readFileSync(good, 'utf8');
    desktop.toggleRecording();
    await settle();
    expect(fake.dialog.shown.at(-1)!.options.message).toMatch(/exists already/);
    expect(readFileSync(good, 'utf8')).toBe(before);
    expect(recordItem()).toMatchObject({ checked: false });
  });
});

function recordItem() {
  const file = fake.Menu.application!.find((m) => m.label === '&File')!;
  return (file.submenu as { label?: string; checked?: boolean }[]).find((i) => i.label === 'Record…');
}

describe('View, Help', () => {
  it('the theme is the native theme; the view, Export and the shortcuts are the page’s', () => {
    desktop.theme('dark');
    expect(fake.nativeTheme.themeSource).toBe('dark');
    desktop.view('graph');
    desktop.exportView();
    desktop.shortcuts();
    expect(toPage).toEqual([{ kind: 'view', view: 'graph' }, { kind: 'export' }, { kind: 'shortcuts' }]);
  });

  it('About says the version', async () => {
    desktop.about();
    await settle();
    expect(fake.dialog.shown.at(-1)!.options.message).toBe('Keyring Browser 0.1.0');
  });
});

describe('filesInArgv', () => {
  it('takes the .json and .jsonl files a command line names, not Electron’s own arguments', () => {
    const argv = ['/usr/lib/electron/electron', '/opt/kb', '--enable-features=X', 'before.json', 'missing.json', 'notes.txt', '--flag=a.json'];
    expect(filesInArgv(argv, dir)).toEqual([good]);
    expect(existsSync(join(dir, 'missing.json'))).toBe(false);
  });
});
