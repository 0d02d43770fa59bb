// The preload with a stand-in `electron`: it exposes exactly the contract's named methods and
// subscribe, and never hands the page an IPC event or ipcRenderer itself; and the built bundle runs under
// a sandboxed preload's require.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileFunction, createContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_METHODS_CHANNEL, IPC_READY_CHANNEL, type KeyringBridge } from '../shared/protocol';
import { createFakeElectron, fakeElectron as fake } from './ipc/test/fakeElectron';
import './preload';

vi.mock('electron', () => fake.module);

const bridge = fake.exposed.get('keyringApi') as KeyringBridge;

describe('preload', () => {
  it('exposes only keyringApi, with the contract methods by name', () => {
    expect([...fake.exposed.keys()]).toEqual(['keyringApi']);
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('asked main for the method names, once, rather than carrying the table', () => {
    expect(fake.ipcRenderer.syncAsked).toEqual([IPC_METHODS_CHANNEL]);
  });

  it('invokes each method on its own channel with its arguments', async () => {
    await bridge.getKeyDetails(42);
    await bridge.setPollInterval(2000);
    expect(fake.ipcRenderer.invoked).toEqual([
      ['keyring:getKeyDetails', 42],
      ['keyring:setPollInterval', 2000],
    ]);
  });

  it('delivers pushes without the IPC event, says it is ready, and unsubscribes', () => {
    const got: unknown[] = [];
    const stop = bridge.subscribe((e) => got.push(e));
    expect(fake.ipcRenderer.sentToMain).toEqual([[IPC_READY_CHANNEL]]);
    const payload = { type: 'status' };
    fake.ipcRenderer.emit(IPC_EVENT_CHANNEL, { sender: 'ipc internals' }, payload);
    expect(got).toEqual([payload]);
    stop();
    fake.ipcRenderer.emit(IPC_EVENT_CHANNEL, {}, payload);
    expect(got).toHaveLength(1);
    expect(fake.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });
});

/**
 * The built file (dist/electron/preload.js, bundled by vite; vitest's global setup builds it), run the way
 * Electron runs a sandboxed preload: as a function in a fresh context whose `require` knows only the
 * modules a sandboxed preload may require. Anything else it asked for (zod, a shared/ file left out of the
 * bundle, a Node built-in) would throw here as it would in the window.
 */
describe('the built preload under a sandboxed require', () => {
  const SANDBOX_MODULES = ['electron', 'events', 'timers', 'url'];
  const file = resolve(__dirname, '..', 'dist', 'electron', 'preload.js');

  function runBuiltPreload() {
    const electron = createFakeElectron();
    const required: string[] = [];
    const sandboxRequire = (name: string): unknown => {
      required.push(name);
      if (!SANDBOX_MODULES.includes(name)) throw new Error(`module not found: ${name} (a sandboxed preload may require only ${SANDBOX_MODULES.join(', ')})`);
      return name === 'electron' ? electron.module : {};
    };
    const module = { exports: {} };
    const params = ['require', 'module', 'exports', 'process', 'Buffer', 'global', 'setImmediate', 'clearImmediate'];
    const run = compileFunction(readFileSync(file, 'utf8'), params, { filename: file, parsingContext: createContext({}) });
    run(sandboxRequire, module, module.exports, { platform: 'linux', sandboxed: true }, undefined, {}, undefined, undefined);
    return { electron, required };
  }

  it('needs nothing but electron, exposes every method, and forwards a call', async () => {
    const { electron, required } = runBuiltPreload();
    expect(required).toEqual(['electron']);
    const built = electron.exposed.get('keyringApi') as KeyringBridge;
    expect(Object.keys(built).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    await built.revokeKey(7);
    expect(electron.ipcRenderer.invoked).toEqual([['keyring:revokeKey', 7]]);
  });

  it('stays small: names and forwarding only, no argument schemas (the engine validates)', () => {
    // 1.7 kB when written; zod bundled in made it 186 kB.
    expect(statSync(file).size).toBeLessThan(8 * 1024);
  });
});
