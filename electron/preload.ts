// The preload: the page's only way to the engine. It exposes the contract's methods as
// `window.keyringApi`, by name; no channel, no ipcRenderer, no event object reaches the page.
// Bundled to one CommonJS file (electron/preload.vite.config.mts): a sandboxed preload cannot require.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KeyringEvent } from '../shared/api';
import { eachMethod } from '../shared/methodNames';
import { IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type KeyringBridge, type RpcResult } from '../shared/ipcChannels';

const bridge: KeyringBridge = {
  ...eachMethod((method) => (...args: readonly unknown[]): Promise<RpcResult<unknown>> => ipcRenderer.invoke(ipcChannel(method), ...args)),
  subscribe(listener: (event: KeyringEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, payload: KeyringEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    // Main holds pushes until the page listens.
    ipcRenderer.send(IPC_READY_CHANNEL);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('keyringApi', bridge);
