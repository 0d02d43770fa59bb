import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { KeyringApi, KeyringEvent, PollerStatus, SnapshotDelta } from '../../shared/api';
import { METHOD_NAMES } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_METHODS_CHANNEL, IPC_READY_CHANNEL, ipcChannel } from '../../shared/protocol';
// The stand-in must be imported before the module under test, which imports electron.
import { FakeWebContents, fakeElectron as fake, ipcEvent } from './test/fakeElectron';
import { MAX_QUEUED_EVENTS, setupIpc } from './bindService';
import { readOnlySwitch } from '../service/dispatch';

vi.mock('electron', () => fake.module);

const status: PollerStatus = { intervalMs: 1000, paused: false, lastScan: null, lastError: null };
const delta = (seq: number): KeyringEvent => ({
  type: 'delta',
  delta: { seq, takenAt: seq, added: [], removed: [seq], changed: [], linksAdded: [], linksRemoved: [] } satisfies SnapshotDelta,
});

function harness() {
  let emit: (e: KeyringEvent) => void = () => {};
  const calls: string[] = [];
  const service = {
    subscribe: (l: (e: KeyringEvent) => void) => ((emit = l), () => (emit = () => {})),
    getStatus: async () => (calls.push('getStatus'), status),
    getSnapshot: async () => ({ seq: 99, snapshot: { keys: [] } }),
  } as unknown as KeyringApi;
  const contents = new FakeWebContents();
  contents.mainFrame.url = 'app://bundle/index.html';
  const dispose = setupIpc({ service, getTrustedContents: () => contents as unknown as WebContents, allowActions: false, readOnly: readOnlySwitch(), log: () => {} });
  const ready = (from = contents) => fake.ipcMain.emit(IPC_READY_CHANNEL, ipcEvent(from));
  return { emit: (e: KeyringEvent) => emit(e), calls, contents, dispose, ready };
}

describe('setupIpc', () => {
  it('holds pushes until the renderer says it is ready, then sends them in order', () => {
    const h = harness();
    h.emit(delta(1));
    h.emit({ type: 'status', status });
    expect(h.contents.sent).toEqual([]);
    h.ready();
    h.emit(delta(2));
    expect(h.contents.sent.map(([ch, e]) => [ch, (e as KeyringEvent).type])).toEqual([
      [IPC_EVENT_CHANNEL, 'delta'],
      [IPC_EVENT_CHANNEL, 'status'],
      [IPC_EVENT_CHANNEL, 'delta'],
    ]);
    h.dispose();
  });

  it('ignores a ready signal from a stranger', () => {
    const h = harness();
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'app://bundle/index.html';
    h.ready(stranger);
    h.emit(delta(1));
    expect(h.contents.sent).toEqual([]);
    h.dispose();
  });

  it('waits for a new ready after the page reloads', () => {
    const h = harness();
    h.ready();
    h.contents.emit('did-start-loading');
    h.emit(delta(1));
    expect(h.contents.sent).toEqual([]);
    h.ready();
    expect(h.contents.sent).toHaveLength(1);
    h.dispose();
  });

  it('replaces an overflowing queue of deltas by one snapshot', async () => {
    const h = harness();
    for (let i = 1; i <= MAX_QUEUED_EVENTS + 5; i++) h.emit(delta(i));
    h.ready();
    await vi.waitFor(() => expect(h.contents.sent).toHaveLength(1));
    expect(h.contents.sent[0]).toEqual([IPC_EVENT_CHANNEL, { type: 'snapshot', snapshot: { seq: 99, snapshot: { keys: [] } } }]);
    h.dispose();
  });

  it("tells the window's preload the contract's method names, and a stranger none", () => {
    const h = harness();
    const ask = (from: FakeWebContents) => {
      const event = { ...ipcEvent(from), returnValue: undefined as unknown };
      fake.ipcMain.emit(IPC_METHODS_CHANNEL, event);
      return event.returnValue;
    };
    expect(ask(h.contents)).toEqual([...METHOD_NAMES]);
    const stranger = new FakeWebContents();
    stranger.mainFrame.url = 'https://evil.example/';
    expect(ask(stranger)).toEqual([]);
    h.dispose();
  });

  it('removes its handlers when disposed', () => {
    const h = harness();
    expect(fake.ipcMain.handlers.has(ipcChannel('getStatus'))).toBe(true);
    h.dispose();
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(fake.ipcMain.listenerCount(IPC_READY_CHANNEL)).toBe(0);
    expect(fake.ipcMain.listenerCount(IPC_METHODS_CHANNEL)).toBe(0);
  });
});
