// What the desktop app's menu does (appMenu.ts names it): native open and save dialogs, recording, theme,
// About; what belongs to the page (the view, Export, the shortcuts, a file to show or compare) is sent to
// it as an AppCommand on the engine's event stream, held until the page listens. Files are read here with
// `open`'s reader (its sentences), then handed to the page as text, which shows them as it shows a
// dropped file: one way to open a file, whichever door it came through.
import { app, dialog, Menu, nativeTheme, type BaseWindow, type MessageBoxOptions, type OpenDialogOptions } from 'electron';
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { AppCommand } from '../../shared/api';
import { FileFormatError } from '../../shared/snapshotFile';
import { openRecordingFile, recordService, type RecordableService, type RunningRecording } from '../files/recorder';
import { readSavedFileText } from '../files/readSavedFile';
import { menuTemplate, type DesktopCommands, type MenuState, type Theme } from './appMenu';

export interface DesktopOptions {
  /** The main window, or null while there is none. */
  window(): BaseWindow | null;
  /** Hands a command to the page. */
  toPage(command: AppCommand): void;
  /** What File → Record records: the keys the window shows. */
  recordable: RecordableService;
  log(line: string): void;
  /** Now, for the default names of new files. */
  now?: () => number;
}

const SNAPSHOT_FILTERS: OpenDialogOptions['filters'] = [
  { name: 'Snapshots and recordings', extensions: ['json', 'jsonl'] },
  { name: 'All files', extensions: ['*'] },
];

export class DesktopApp implements DesktopCommands {
  private state: MenuState = { recording: false, theme: 'system' };
  private recording: RunningRecording | null = null;

  constructor(private readonly options: DesktopOptions) {}

  /** Puts the menu bar up (again, when a checkmark moved). */
  installMenu(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(this, this.state)));
  }

  open(): void {
    void this.chooseFile('Open a snapshot or recording', 'open-file');
  }

  compare(): void {
    void this.chooseFile('Compare with a snapshot or recording', 'compare-file');
  }

  live(): void {
    this.options.toPage({ kind: 'live' });
  }

  exportView(): void {
    this.options.toPage({ kind: 'export' });
  }

  view(view: 'tree' | 'graph'): void {
    this.options.toPage({ kind: 'view', view });
  }

  shortcuts(): void {
    this.options.toPage({ kind: 'shortcuts' });
  }

  quit(): void {
    app.quit();
  }

  theme(theme: Theme): void {
    nativeTheme.themeSource = theme;
    this.setState({ theme });
  }

  about(): void {
    void this.messageBox({
      type: 'info',
      title: 'About Keyring Browser',
      message: `Keyring Browser ${app.getVersion()}`,
      detail: "See the Linux kernel's keyrings live: every key, link, pin and quota your process can see.",
      buttons: ['OK'],
    });
  }

  toggleRecording(): void {
    if (this.recording) {
      this.recording.stop();
      this.recording = null;
      this.setState({ recording: false });
      return;
    }
    void this.startRecording();
  }

  /** Shows `path` in the window (a file given on the command line, or by a second launch). */
  async openPath(path: string, as: 'open-file' | 'compare-file' = 'open-file'): Promise<boolean> {
    try {
      this.options.toPage({ kind: as, name: basename(path), text: readSavedFileText(path) });
      return true;
    } catch (err) {
      await this.problem(err);
      return false;
    }
  }

  private async chooseFile(title: string, as: 'open-file' | 'compare-file'): Promise<void> {
    const options: OpenDialogOptions = { title, properties: ['openFile'], filters: SNAPSHOT_FILTERS };
    const parent = this.options.window();
    const chosen = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
    const path = chosen.canceled ? undefined : chosen.filePaths[0];
    if (path) await this.openPath(path, as);
  }

  private async startRecording(): Promise<void> {
    const stamp = new Date(this.options.now?.() ?? Date.now()).toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const options = { title: 'Record every change to', defaultPath: `keyrings-${stamp}.jsonl`, filters: [{ name: 'Recordings', extensions: ['jsonl'] }] };
    const parent = this.options.window();
    const chosen = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    if (chosen.canceled || !chosen.filePath) return this.setState({ recording: false });
    try {
      const file = openRecordingFile(chosen.filePath);
      this.recording = await recordService(this.options.recordable, file, (line) => this.options.log(line));
      this.setState({ recording: true });
    } catch (err) {
      this.setState({ recording: false });
      await this.problem(err);
    }
  }

  private setState(change: Partial<MenuState>): void {
    this.state = { ...this.state, ...change };
    this.installMenu();
  }

  /** A file that cannot be read or written: its sentence in a native box, never a stack trace. */
  private async problem(err: unknown): Promise<void> {
    const message = err instanceof FileFormatError ? err.message : err instanceof Error ? err.message : String(err);
    await this.messageBox({ type: 'error', title: 'Keyring Browser', message, buttons: ['OK'] });
  }

  private async messageBox(options: MessageBoxOptions): Promise<void> {
    const parent = this.options.window();
    await (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  }

  /** Stops a recording in progress (the app is quitting). */
  close(): void {
    this.recording?.stop();
    this.recording = null;
  }
}

/**
 * The snapshot files named on a command line (`keyring-browser FILE.json`, or a second launch's): arguments
 * that are not switches and name a .json or .jsonl file, resolved against the launch's directory. Electron's
 * own arguments (its binary, the app's directory, Chromium switches) are none of these.
 */
export function filesInArgv(argv: readonly string[], cwd: string): string[] {
  return argv.filter((a) => !a.startsWith('-') && /\.jsonl?$/i.test(a)).map((a) => resolve(cwd, a)).filter(isFile);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
