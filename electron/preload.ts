// The preload: the page's only way to the engine. It exposes the typed KeyringApi methods as
// `window.keyringApi`, by name; no channel, no ipcRenderer, no event object reaches the page.
// Bundled to one CommonJS file (electron/preload.vite.config.mts): a sandboxed preload cannot require.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHOD_NAMES, type KeyringEvent } from '../shared/api';
import { IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type KeyringBridge } from '../shared/ipcChannels';

const methods = Object.fromEntries(
  METHOD_NAMES.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args)]),
);

const bridge = {
  ...methods,
  subscribe(listener: (event: KeyringEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: KeyringEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    // Main holds pushes until the page listens.
    ipcRenderer.send(IPC_READY_CHANNEL);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
} as KeyringBridge;

contextBridge.exposeInMainWorld('keyringApi', bridge);
