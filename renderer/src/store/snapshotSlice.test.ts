import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyringApi, KeyringEvent } from '../../../shared/api';
import { delta, k, ring, snap } from '../test/keys';
import { connectStore, SNAPSHOT_RETRY_MS } from './connect';
import { initialKbState, useKb } from './index';

const S = 100;
function load() {
  useKb.getState().loadSnapshot({ seq: 5, snapshot: snap([ring(S, '_ses', [1]), k(1, 'a')], { session: S }) });
}

beforeEach(() => {
  useKb.setState(initialKbState(), true);
});

describe('applying deltas', () => {
  it('applies consecutive deltas in order and replaces the key map', () => {
    load();
    const before = useKb.getState().keys;
    const out = useKb.getState().applyDeltas([
      delta(6, { added: [k(2, 'b')], changed: [{ id: S, changes: { links: [1, 2] } }], linksAdded: [[S, 2]] }),
      delta(7, { changed: [{ id: 2, changes: { flags: 'IR-Q---' } }] }),
    ]);
    expect(out).toEqual({ applied: 2, skipped: 0, resync: null });
    const s = useKb.getState();
    expect(s.seq).toBe(7);
    expect(s.keys).not.toBe(before);
    expect(before.has(2)).toBe(false); // the old map was not mutated
    expect(s.keys.get(2)?.flags).toBe('IR-Q---');
    expect(s.keys.get(S)?.links).toEqual([1, 2]);
  });

  it('asks for a resync on a gap in seq and applies nothing past it', () => {
    load();
    const out = useKb.getState().applyDeltas([delta(6, { added: [k(2, 'b')] }), delta(8, { added: [k(3, 'c')] })]);
    expect(out.applied).toBe(1);
    expect(out.resync).toMatch(/missed/);
    expect(useKb.getState().seq).toBe(6);
    expect(useKb.getState().keys.has(3)).toBe(false);
  });

  it('is idempotent: a delta applied twice (or an old one) changes nothing', () => {
    load();
    const d = delta(6, { added: [k(2, 'b')], removed: [1] });
    useKb.getState().applyDeltas([d]);
    const keys = useKb.getState().keys;
    const log = useKb.getState().log;
    const out = useKb.getState().applyDeltas([d, delta(3)]);
    expect(out).toEqual({ applied: 0, skipped: 2, resync: null });
    expect(useKb.getState().keys).toBe(keys);
    expect(useKb.getState().log).toBe(log);
  });

  it('ignores removal of a key it does not hold, but resyncs on a change to one', () => {
    load();
    expect(useKb.getState().applyDeltas([delta(6, { removed: [999] })])).toEqual({ applied: 1, skipped: 0, resync: null });
    expect(useKb.getState().keys.size).toBe(2);
    const keys = useKb.getState().keys;
    const out = useKb.getState().applyDeltas([delta(7, { changed: [{ id: 999, changes: { usage: 2 } }] })]);
    expect(out.applied).toBe(0);
    expect(out.resync).toMatch(/unknown key 999/);
    expect(useKb.getState().keys).toBe(keys);
    expect(useKb.getState().seq).toBe(6);
  });

  it('refuses deltas before the first snapshot', () => {
    expect(useKb.getState().applyDeltas([delta(0)]).resync).toBeTruthy();
  });

  it('logs events without values of payload-like fields and highlights touched keys', () => {
    load();
    useKb.getState().applyDeltas(
      [delta(6, { added: [k(2, 'b')], changed: [{ id: 1, changes: { perm: 0x3f3f0000 } }, { id: S, changes: { links: [1, 2] } }], linksAdded: [[S, 2]] })],
      5000,
    );
    const log = useKb.getState().log.map((e) => [e.kind, e.keyId]);
    expect(log).toEqual([
      ['added', 2],
      ['changed', 1],
    ]);
    expect(useKb.getState().log[0]!.detail).toContain('_ses');
    expect(useKb.getState().highlights.get(2)).toEqual({ kind: 'added', at: 5000 });
    expect(useKb.getState().highlights.get(1)?.kind).toBe('changed');
    useKb.getState().pruneLive(5000 + 10_000);
    expect(useKb.getState().highlights.size).toBe(0);
  });

  it('keeps the highlights and ghosts maps while nothing in them has expired (the tree walks its rows again for new ghosts)', () => {
    load();
    useKb.getState().applyDeltas([delta(6, { removed: [1], changed: [{ id: S, changes: { links: [] } }], linksRemoved: [[S, 1]] })], 5000);
    const { highlights, ghosts } = useKb.getState();
    useKb.getState().pruneLive(5001);
    expect(useKb.getState().highlights).toBe(highlights);
    expect(useKb.getState().ghosts).toBe(ghosts);
    useKb.getState().pruneLive(5000 + 10_000);
    expect(useKb.getState().ghosts.size).toBe(0);
    const none = useKb.getState().ghosts;
    useKb.getState().applyDeltas([delta(7, { changed: [{ id: S, changes: { perm: 0x3f010000 } }] })], 20_000);
    useKb.getState().pruneLive(20_001);
    expect(useKb.getState().ghosts).toBe(none);
  });

  it('keeps an unlinked key as a ghost under its former keyring for a moment', () => {
    load();
    useKb.getState().applyDeltas([delta(6, { removed: [1], changed: [{ id: S, changes: { links: [] } }], linksRemoved: [[S, 1]] })], 5000);
    expect(useKb.getState().ghosts.get(S)?.map((g) => g.key.id)).toEqual([1]);
    useKb.getState().pruneLive(5000 + 10_000);
    expect(useKb.getState().ghosts.size).toBe(0);
  });

  it('drops the selection when the selected key is removed', () => {
    load();
    useKb.getState().select(1, 'a:session/1');
    useKb.getState().applyDeltas([delta(6, { removed: [1] })]);
    expect(useKb.getState().selectedId).toBeNull();
  });
});

describe('connectStore', () => {
  function fakeApi() {
    let listener: ((e: KeyringEvent) => void) | null = null;
    let snapshotCalls = 0;
    const api = {
      subscribe: (l: (e: KeyringEvent) => void) => {
        listener = l;
        return () => (listener = null);
      },
      getSnapshot: async () => {
        snapshotCalls++;
        return { seq: 5, snapshot: snap([ring(S, '_ses', [1]), k(1, 'a')], { session: S }) };
      },
      getStatus: async () => ({ intervalMs: 1000, paused: false, lastScan: null, lastError: null }),
      getIdentityNames: async () => ({ users: {}, groups: {} }),
      getCapabilities: async () => ({ actionsAllowed: false, readOnly: true }),
    } as unknown as KeyringApi;
    return { api, emit: (e: KeyringEvent) => listener?.(e), snapshotCalls: () => snapshotCalls };
  }
  const flushPromises = () => new Promise((r) => setTimeout(r, 0));

  it('asks for the snapshot again after it failed, and shows it then', async () => {
    vi.useFakeTimers();
    try {
      const { api: answering } = fakeApi();
      let calls = 0;
      const api: KeyringApi = {
        ...answering,
        getSnapshot: () => (++calls === 1 ? Promise.reject(new Error('getSnapshot: no answer from the server within 60 s')) : answering.getSnapshot()),
      };
      const stop = connectStore(api, { request: () => {} });
      await vi.advanceTimersByTimeAsync(0);
      expect(useKb.getState()).toMatchObject({ connection: 'error', seq: -1 });
      await vi.advanceTimersByTimeAsync(SNAPSHOT_RETRY_MS);
      expect(calls).toBe(2);
      expect(useKb.getState()).toMatchObject({ connection: 'open', connectionError: null, seq: 5 });
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('applies every delta of a frame in one store update', async () => {
    const frames: (() => void)[] = [];
    const { api, emit } = fakeApi();
    const stop = connectStore(api, { request: (cb) => frames.push(cb) });
    await flushPromises();
    expect(useKb.getState().seq).toBe(5);
    let updates = 0;
    const unsub = useKb.subscribe(() => updates++);
    emit({ type: 'delta', delta: delta(6, { added: [k(2, 'b')] }) });
    emit({ type: 'delta', delta: delta(7, { added: [k(3, 'c')] }) });
    expect(useKb.getState().keys.has(2)).toBe(false); // nothing before the frame
    expect(frames.length).toBe(1);
    frames.shift()!();
    expect(updates).toBe(1);
    expect(useKb.getState().seq).toBe(7);
    unsub();
    stop();
  });

  it('applies an event after a quiet spell at once, and the ones within a frame of it at the next frame', async () => {
    const frames: (() => void)[] = [];
    let now = 1000;
    const { api, emit } = fakeApi();
    const stop = connectStore(api, { request: (cb) => frames.push(cb), now: () => now });
    await flushPromises();
    emit({ type: 'delta', delta: delta(6, { added: [k(2, 'b')] }) });
    emit({ type: 'delta', delta: delta(7, { added: [k(3, 'c')] }) });
    expect(useKb.getState().seq).toBe(5); // the events of one message go together, after it
    await Promise.resolve();
    expect(useKb.getState().seq).toBe(7);
    expect(frames.length).toBe(0);
    now += 5; // within a frame of the last: waits for the next one
    emit({ type: 'delta', delta: delta(8, { added: [k(4, 'd')] }) });
    await Promise.resolve();
    expect(useKb.getState().seq).toBe(7);
    expect(frames.length).toBe(1);
    frames.shift()!();
    expect(useKb.getState().seq).toBe(8);
    now += 1000; // quiet again
    emit({ type: 'delta', delta: delta(9, { added: [k(5, 'e')] }) });
    await Promise.resolve();
    expect(useKb.getState().seq).toBe(9);
    expect(frames.length).toBe(0);
    stop();
  });

  it('fetches a full snapshot when a delta is missing', async () => {
    const frames: (() => void)[] = [];
    const { api, emit, snapshotCalls } = fakeApi();
    const stop = connectStore(api, { request: (cb) => frames.push(cb) });
    await flushPromises();
    expect(snapshotCalls()).toBe(1);
    emit({ type: 'delta', delta: delta(9) });
    frames.shift()!();
    await flushPromises();
    expect(snapshotCalls()).toBe(2);
    stop();
  });
});
