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

  it("gives each connection its own read-only switch: one page switching it off does not open another's", async () => {
    const revoked: number[] = [];
    const service = {
      subscribe: () => () => {},
      getCapabilities: async () => ({ actionsAllowed: true, readOnly: false }),
      revokeKey: async (id: number) => (revoked.push(id), { message: 'revoked' }),
    } as unknown as KeyringApi;
    const options = { allowActions: true, limits: DEFAULT_LIMITS, peer: 'test', log: () => {} };
    const [a, b] = [new SlowSocket(), new SlowSocket()];
    attachConnection(a as unknown as WebSocket, service, options);
    attachConnection(b as unknown as WebSocket, service, options);
    const call = (ws: SlowSocket, id: number, method: string, args: unknown[]) => ws.emit('message', Buffer.from(JSON.stringify({ id, method, args })), false);

    call(a, 1, 'revokeKey', [5]);
    await vi.waitFor(() => expect(a.sent).toContainEqual({ id: 1, error: expect.objectContaining({ code: 'forbidden' }) }));
    call(a, 2, 'setReadOnly', [false]);
    await vi.waitFor(() => expect(a.sent).toContainEqual({ id: 2, result: { actionsAllowed: true, readOnly: false } }));
    call(a, 3, 'revokeKey', [5]);
    call(b, 4, 'revokeKey', [6]);
    await vi.waitFor(() => expect(b.sent).toContainEqual({ id: 4, error: expect.objectContaining({ code: 'forbidden' }) }));
    await vi.waitFor(() => expect(revoked).toEqual([5]));
  });
});
