// A KeyringApi that needs no engine: serves the fixture (or a generated tree of N keys) and emits
// deltas made by shared/delta's diffSnapshots from a little simulated activity, so the live
// behaviour (highlights, change log, countdowns) can be seen and tested in a plain browser.
// Chosen only with `?fake=1` or `?fake=<N keys>`.
import {
  DEFAULT_POLL_INTERVAL_MS,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  type KeyFields,
  type KeyringApi,
  type KeyringEvent,
  type PollerStatus,
} from '../../../shared/api';
import { diffSnapshots, indexById } from '../../../shared/delta';
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import { expiryFromColumn } from '../../../shared/expiry';
import { unavailableApi } from '../transport/unavailableApi';
import { FIXTURE_IDS, fixtureSnapshot, generatedSnapshot, type GeneratedShape } from './fixture';

export interface FakeApiOptions {
  /** Generate this many keys instead of the hand-made fixture. */
  keyCount?: number;
  /** How the generated keys hang together (fixture.ts generatedSnapshot): `?fake=N&shared=1` asks for many shared keys. */
  shape?: GeneratedShape;
  /** Simulate activity on a timer (default true). */
  live?: boolean;
  intervalMs?: number;
}

export interface FakeApi extends KeyringApi {
  /** One poll of the scripted activity. */
  tick(): void;
  /**
   * Changes key `id`'s fields as a poll would find them, and returns the delta's emitter: the bench times a
   * delta from the moment it reaches the page (emit), not from the diff that made it.
   */
  stageKeyChange(id: number, changes: Partial<KeyFields>): () => void;
  close(): void;
}

export function createFakeApi(opts: FakeApiOptions = {}): FakeApi {
  let current: Snapshot = opts.keyCount ? generatedSnapshot(opts.keyCount, Date.now(), opts.shape) : fixtureSnapshot();
  let seq = 0;
  let step = 0;
  const listeners = new Set<(e: KeyringEvent) => void>();
  const status: PollerStatus = {
    intervalMs: opts.intervalMs ?? DEFAULT_POLL_INTERVAL_MS * 2,
    paused: false,
    lastScan: { takenAt: current.takenAt, durationMs: opts.keyCount ? 38 + opts.keyCount / 1000 : 4.2, keyCount: current.keys.length },
    lastError: null,
  };
  const emit = (e: KeyringEvent) => listeners.forEach((l) => l(e));

  /** One poll: mutate a copy of the "kernel", diff, emit what changed. */
  const tick = () => {
    const next = simulate(current, step++);
    const delta = diffSnapshots(current, next, seq + 1);
    current = next;
    status.lastScan = { takenAt: next.takenAt, durationMs: Math.round((status.lastScan?.durationMs ?? 4) * (0.9 + Math.random() * 0.2) * 10) / 10, keyCount: next.keys.length };
    if (delta) {
      seq = delta.seq;
      emit({ type: 'delta', delta });
    }
    emit({ type: 'status', status: { ...status } });
  };

  const stageKeyChange = (id: number, changes: Partial<KeyFields>) => {
    const at = indexById(current.keys, id);
    if (at < 0) throw new Error(`no key ${id} in the demo data`);
    const keys = [...current.keys];
    keys[at] = { ...(keys[at] as KeyInfo), ...changes };
    const next = { ...current, takenAt: Date.now(), keys };
    const delta = diffSnapshots(current, next, seq + 1);
    current = next;
    if (!delta) return () => {};
    seq = delta.seq;
    return () => emit({ type: 'delta', delta });
  };

  let timer: ReturnType<typeof setInterval> | null = null;
  const restart = () => {
    if (timer) clearInterval(timer);
    timer = opts.live === false || status.paused ? null : setInterval(tick, status.intervalMs);
  };
  restart();

  // The store never mutates what it is given, so a shallow copy stands in for the transport's JSON.
  const snapshotCopy = () => ({ seq, snapshot: { ...current, keys: [...current.keys] } });
  return {
    // Actions fail: there is no kernel behind the demo. The reads below replace the failing ones.
    ...unavailableApi(() => Promise.reject(new Error('the demo data has no kernel behind it: actions need the app or `serve --allow-actions`'))),
    tick,
    stageKeyChange,
    close: () => timer && clearInterval(timer),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: async () => snapshotCopy(),
    getStatus: async () => ({ ...status }),
    setPollInterval: async (ms) => {
      status.intervalMs = Math.min(MAX_POLL_INTERVAL_MS, Math.max(MIN_POLL_INTERVAL_MS, ms));
      restart();
      return { ...status };
    },
    pause: async () => {
      status.paused = true;
      restart();
      emit({ type: 'status', status: { ...status } });
      return { ...status };
    },
    resume: async () => {
      status.paused = false;
      restart();
      emit({ type: 'status', status: { ...status } });
      return { ...status };
    },
    refresh: async () => {
      tick();
      return { ...status };
    },
    getKeyDetails: async (id) => {
      const k = current.keys.find((x) => x.id === id);
      if (!k) return { id, security: null, securityError: 'ENOKEY: the key no longer exists' };
      if (k.flags[1] === 'R') return { id, security: null, securityError: 'EKEYREVOKED: the key has been revoked' };
      return { id, security: k.uid === 0 ? 'system_u:object_r:kernel_t:s0' : 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023' };
    },
    getIdentityNames: async () => ({
      users: { 0: 'root', 1000: 'alice', 65534: 'nobody' },
      groups: { 0: 'root', 27: 'sudo', 1000: 'alice', 65534: 'nogroup' },
    }),
  };
}

/** A little scripted activity, one step per poll: add, change, revoke, remove. */
function simulate(prev: Snapshot, step: number): Snapshot {
  const now = Date.now();
  const keys = new Map(prev.keys.map((k) => [k.id, k]));
  const session = keys.get(FIXTURE_IDS.session);
  const tmpId = 0x2e000000 + Math.floor(step / 4);
  const put = (k: KeyInfo) => keys.set(k.id, k);
  if (session) {
    switch (step % 4) {
      case 0: // a tool adds a short-lived key to the session keyring
        put({
          id: tmpId,
          type: 'user',
          description: `oauth:refresh-${Math.floor(step / 4)}`,
          uid: prev.uid,
          gid: prev.gid,
          perm: 0x3f010000,
          flags: 'I--Q---',
          usage: 1,
          timeout: '5m',
          expiry: expiryFromColumn('5m', now, now),
          possessed: true,
          orphan: false,
        });
        put({ ...session, links: [...(session.links ?? []), tmpId] });
        break;
      case 1: { // someone reads the CA key: its usage moves
        const cert = keys.get(FIXTURE_IDS.sharedCert);
        if (cert) put({ ...cert, usage: cert.usage === 3 ? 4 : 3 });
        break;
      }
      case 2: { // the key just added is revoked
        const k = keys.get(tmpId);
        if (k) put({ ...k, flags: 'IR-Q---' });
        break;
      }
      case 3: { // and the one from the round before is garbage-collected: unlinked and gone
        const old = tmpId - 1;
        if (keys.delete(old)) put({ ...session, links: (session.links ?? []).filter((m) => m !== old) });
        break;
      }
    }
  }
  return { ...prev, takenAt: now, keys: [...keys.values()].sort((a, b) => a.id - b.id) };
}
