// What the window shows: the engine's keys (the live api), or a saved file opened in the page (dropped
// on the window, or handed over by the desktop app's File menu). Opening a file mounts the app afresh on
// a saved-file api (transport/savedFileApi.ts); "Back to live keys" mounts it on the engine again.
// In the desktop app, the menu's commands arrive on the engine's event stream (AppCommand).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppCommand, KeyringApi } from '../../shared/api';
import { useActions } from './actions/actionsStore';
import { App } from './App';
import { useCompare } from './compare/compareStore';
import { compareWithFile } from './compare/readCompareFile';
import { FileDrop } from './files/FileDrop';
import { openPair, setFileOpener } from './files/openFiles';
import { readFileInPage, textFile, type PageFile } from './files/readFileInPage';
import type { SavedFile } from '../../shared/snapshotFile';
import { initialKbState, useKb } from './store';
import { savedFileApi } from './transport/savedFileApi';

interface Shown {
  api: KeyringApi;
  /** The file shown, or null for the engine's keys. */
  file: string | null;
  /** Bumped on every switch, so the app mounts afresh. */
  generation: number;
}

export function Root({ liveApi, mode, menuCommands = false }: { liveApi: KeyringApi; mode?: string; menuCommands?: boolean }) {
  const [shown, setShown] = useState<Shown>({ api: liveApi, file: null, generation: 0 });
  const [problem, setProblem] = useState<string | null>(null);

  const show = useCallback((api: KeyringApi, file: string | null) => {
    // A different source: nothing of the last one's keys, log or comparison carries over; the view does.
    useKb.setState({ ...initialKbState(), view: useKb.getState().view }, true);
    useCompare.getState().close();
    setShown((s) => ({ api, file, generation: s.generation + 1 }));
  }, []);

  const showFile = useCallback((name: string, saved: SavedFile) => show(savedFileApi(name, saved), name), [show]);
  useEffect(() => setFileOpener(showFile), [showFile]);
  const openFile = useCallback(
    async (file: PageFile) => {
      try {
        const saved = await readFileInPage(file);
        setProblem(null);
        showFile(file.name, saved);
      } catch (err) {
        setProblem(err instanceof Error ? err.message : String(err));
      }
    },
    [showFile],
  );
  const openDropped = useCallback(
    (files: PageFile[]) => {
      if (files.length === 1) void openFile(files[0]!);
      else if (files.length === 2) void openPair(files[0]!, files[1]!);
      else setProblem(`${files.length} files dropped: drop one to open it, or two to compare them`);
    },
    [openFile],
  );
  const backToLive = useCallback(() => show(liveApi, null), [show, liveApi]);

  const onCommand = useRef<(command: AppCommand) => void>(() => {});
  onCommand.current = (command) => runCommand(command, { openFile: (f) => void openFile(f), backToLive });
  useEffect(() => {
    if (!menuCommands) return;
    return liveApi.subscribe((event) => event.type === 'command' && onCommand.current(event.command));
  }, [liveApi, menuCommands]);

  return (
    <>
      <App key={shown.generation} api={shown.api} mode={mode} onBackToLive={shown.file !== null && shown.api !== liveApi ? backToLive : undefined} />
      <FileDrop onFiles={openDropped} problem={problem} onDismiss={() => setProblem(null)} />
    </>
  );
}

/** Does what the desktop app's menu asked. */
export function runCommand(command: AppCommand, to: { openFile: (file: PageFile) => void; backToLive: () => void }): void {
  switch (command.kind) {
    case 'view':
      return useKb.getState().setView(command.view);
    case 'shortcuts':
      return useActions.getState().setHelpOpen(true);
    case 'export':
      return document.querySelector<HTMLButtonElement>('.export-button')?.click();
    case 'open-file':
      return to.openFile(textFile(command.name, command.text));
    case 'compare-file':
      return void compareWithFile(textFile(command.name, command.text));
    case 'live':
      return to.backToLive();
  }
}
