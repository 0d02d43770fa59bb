// Binds the KeyringService to Electron IPC: one handler per contract method, each of which checks
// its sender and validates its arguments (dispatchCall) before the service sees anything; and the
// service's push events, queued until the renderer says it listens.
// The only importer of ipcMain (lint enforces it).
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { KeyringApi, KeyringEvent } from '../../shared/api';
import { METHOD_NAMES } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_METHODS_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type RpcResult } from '../../shared/protocol';
import { dispatchCall, type ReadOnlySwitch } from '../service/dispatch';
import { isTrustedSender } from './trust';

/** Events waiting for the renderer; past this the deltas are dropped and one snapshot is sent instead. */
export const MAX_QUEUED_EVENTS = 500;

export interface IpcOptions {
  service: KeyringApi;
  /** The main window's webContents, or null once it is gone. */
  getTrustedContents(): WebContents | null;
  allowActions: boolean;
  /** The window's read-only switch, held here in main so the page alone cannot act (dispatch.ts). */
  readOnly: ReadOnlySwitch;
  log?: (line: string) => void;
}

export function setupIpc(options: IpcOptions): () => void {
  const log = options.log ?? ((line: string) => console.warn(line));
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) => isTrustedSender(event, options.getTrustedContents());

  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, ...args: unknown[]): Promise<RpcResult<unknown>> => {
      if (!trusted(event)) {
        log(`ipc: refused ${method} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
        return { ok: false, error: { code: 'forbidden', message: 'this frame may not use the keyring API' } };
      }
      return dispatchCall(options.service, method, args, { allowActions: options.allowActions, readOnly: options.readOnly });
    });
  }

  const pushes = createPushQueue(options);
  const onReady = (event: IpcMainEvent): void => {
    if (trusted(event)) pushes.ready();
  };
  ipcMain.on(IPC_READY_CHANNEL, onReady);
  // The preload's one synchronous question at load: which methods there are (from the contract's table).
  const onMethods = (event: IpcMainEvent): void => {
    event.returnValue = trusted(event) ? [...METHOD_NAMES] : [];
  };
  ipcMain.on(IPC_METHODS_CHANNEL, onMethods);
  const unsubscribe = options.service.subscribe(pushes.push);

  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(ipcChannel(method));
    ipcMain.removeListener(IPC_READY_CHANNEL, onReady);
    ipcMain.removeListener(IPC_METHODS_CHANNEL, onMethods);
    unsubscribe();
  };
}

/** Holds pushes until the renderer is ready (again, after a reload), then sends them in order. */
function createPushQueue(options: IpcOptions) {
  let readyContents: WebContents | null = null;
  let queue: KeyringEvent[] = [];
  let overflowed = false;

  const send = (contents: WebContents, event: KeyringEvent): void => {
    if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
  };

  const flush = async (contents: WebContents): Promise<void> => {
    if (overflowed) {
      // Too much was missed for deltas to be worth replaying: one snapshot replaces them.
      overflowed = false;
      queue = queue.filter((e) => e.type !== 'delta');
      send(contents, { type: 'snapshot', snapshot: await options.service.getSnapshot() });
    }
    for (const event of queue.splice(0)) send(contents, event);
  };

  return {
    ready(): void {
      const contents = options.getTrustedContents();
      if (!contents) return;
      if (readyContents !== contents) {
        readyContents = contents;
        // A reload starts a new page: it must say it is ready again before pushes flow.
        contents.once('did-start-loading', () => {
          if (readyContents === contents) readyContents = null;
        });
      }
      void flush(contents).catch(() => {});
    },
    push(event: KeyringEvent): void {
      const contents = options.getTrustedContents();
      if (readyContents && contents === readyContents && queue.length === 0) return send(contents, event);
      queue.push(event);
      if (queue.length > MAX_QUEUED_EVENTS) {
        overflowed = true;
        queue = queue.filter((e) => e.type !== 'delta');
      }
    },
  };
}
