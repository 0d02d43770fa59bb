// The preload with a stand-in `electron`: it exposes exactly the contract's named methods and
// subscribe, and never hands the page an IPC event or ipcRenderer itself.
import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_READY_CHANNEL, type KeyringBridge } from '../shared/protocol';
import { fakeElectron as fake } from './ipc/test/fakeElectron';
import './preload';

vi.mock('electron', () => fake.module);

const bridge = fake.exposed.get('keyringApi') as KeyringBridge;

describe('preload', () => {
  it('exposes only keyringApi, with the contract methods by name', () => {
    expect([...fake.exposed.keys()]).toEqual(['keyringApi']);
    expect(Object.keys(bridge).sort()).toEqual([...METHOD_NAMES, 'subscribe'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
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
