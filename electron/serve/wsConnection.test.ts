// A client that cannot keep up: deltas are dropped while its buffer is full, then one snapshot replaces them.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { KeyringApi, KeyringEvent, SnapshotDelta } from '../../shared/api';
import { DEFAULT_LIMITS } from './limits';
import { attachConnection, MAX_BUFFERED_BYTES } from './wsConnection';

class SlowSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: Record<string, unknown>[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  terminate(): void {}
}

const delta = (seq: number): KeyringEvent => ({
  type: 'delta',
  delta: { seq, takenAt: seq, added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] } satisfies SnapshotDelta,
});

describe('attachConnection', () => {
  it('drops deltas while the client is behind and resyncs it with one snapshot', async () => {
    let emit: (e: KeyringEvent) => void = () => {};
    const service = {
      subscribe: (l: (e: KeyringEvent) => void) => ((emit = l), () => {}),
      getSnapshot: async () => ({ seq: 3, snapshot: { keys: [] } }),
    } as unknown as KeyringApi;
    const ws = new SlowSocket();
    attachConnection(ws as unknown as WebSocket, service, { allowActions: false, limits: DEFAULT_LIMITS, peer: 'test', log: () => {} });
    emit(delta(1));
    ws.bufferedAmount = MAX_BUFFERED_BYTES + 1;
    emit(delta(2));
    ws.bufferedAmount = 0;
    emit(delta(3));
    await vi.waitFor(() => expect(ws.sent).toHaveLength(2));
    expect(ws.sent.map((m) => (m.event as KeyringEvent).type)).toEqual(['delta', 'snapshot']);
    emit(delta(4));
    expect(ws.sent.at(-1)).toMatchObject({ event: { type: 'delta', delta: { seq: 4 } } });
  });
});
