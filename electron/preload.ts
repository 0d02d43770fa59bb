// The preload: the page's only way to the engine. It exposes the contract's methods as
// `window.keyringApi`, by name; no channel, no ipcRenderer, no event object reaches the page.
// Bundled to one CommonJS file (electron/preload.vite.config.mts): a sandboxed preload cannot require.
// It carries none of the contract's table: main tells it the method names once, synchronously, at load
// (IPC_METHODS_CHANNEL), and validates every call on its side anyway.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { KeyringEvent } from '../shared/api';
import type { MethodName } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_METHODS_CHANNEL, IPC_READY_CHANNEL, ipcChannel, type KeyringBridge, type RpcResult } from '../shared/ipcChannels';

/** The names main answered; anything but a list of short strings exposes no method (and the page says the engine is missing). */
function methodNames(answer: unknown): MethodName[] {
  if (!Array.isArray(answer)) return [];
  return answer.filter((m): m is MethodName => typeof m === 'string' && /^[a-zA-Z]{1,64}$/.test(m));
}

const methods = Object.fromEntries(
  methodNames(ipcRenderer.sendSync(IPC_METHODS_CHANNEL)).map((method) => [
    method,
    (...args: readonly unknown[]): Promise<RpcResult<unknown>> => ipcRenderer.invoke(ipcChannel(method), ...args),
  ]),
) as Omit<KeyringBridge, 'subscribe'>; // every name main holds; main refuses any other on its side

const bridge: KeyringBridge = {
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
};

contextBridge.exposeInMainWorld('keyringApi', bridge);
