import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyringEvent } from '../../shared/api';
import { addKey, KEY_SPEC } from '../keyring/keyctl';
import { KeyringService, STATUS_SCAN_EVERY_MS } from './keyringService';
import { FakeSource, fakeKey, fakeSnapshot } from './test/fakeSource';

function collect(service: KeyringService): KeyringEvent[] {
  const events: KeyringEvent[] = [];
  service.subscribe((e) => events.push(e));
  return events;
}

let service: KeyringService | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await service?.close();
  service = null;
});

describe('KeyringService', () => {
  it('serves the first snapshot as seq 0 and pushes nothing for it', async () => {
    const source = new FakeSource(fakeSnapshot([fakeKey(1), fakeKey(2)]));
    service = new KeyringService({ source, intervalMs: 60_000 });
    const events = collect(service);
    const first = await service.getSnapshot();
    expect(first.seq).toBe(0);
    expect(first.snapshot.keys.map((k) => k.id)).toEqual([1, 2]);
    expect(events).toEqual([]);
  });

  it('pushes a delta when a poll finds a change, and the snapshot advances with it', async () => {
    const source = new FakeSource(fakeSnapshot([fakeKey(1)]));
    service = new KeyringService({ source, intervalMs: 60_000 });
    await service.getSnapshot();
    const events = collect(service);
    source.set(fakeSnapshot([fakeKey(1, { flags: 'IR-----' }), fakeKey(2)], 1_700_000_001_000));
    await service.refresh();
    const deltas = events.filter((e) => e.type === 'delta');
    expect(deltas).toHaveLength(1);
    const delta = deltas[0]!.type === 'delta' ? deltas[0]!.delta : null;
    expect(delta?.seq).toBe(1);
    expect(delta?.added.map((k) => k.id)).toEqual([2]);
    expect(delta?.changed).toEqual([{ id: 1, changes: { flags: 'IR-----' } }]);
    expect((await service.getSnapshot()).seq).toBe(1);
  });

  it('pushes nothing at all when a poll finds no change', async () => {
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 60_000 });
    await service.getSnapshot();
    const events = collect(service);
    await service.refresh();
    await service.refresh();
    expect(source.scans).toBe(3);
    expect(events).toEqual([]);
  });

  it('polls every interval once started', async () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await vi.advanceTimersByTimeAsync(0);
    expect(source.scans).toBe(1);
    const events = collect(service);
    source.set(fakeSnapshot([fakeKey(100), fakeKey(101)]));
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.scans).toBe(2);
    expect(events.map((e) => e.type)).toContain('delta');
    await vi.advanceTimersByTimeAsync(3000);
    expect(source.scans).toBe(5);
  });

  it('never runs two scans at once, whatever asks for them', async () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    source.hold = true;
    service = new KeyringService({ source, intervalMs: 100 }).start();
    await vi.advanceTimersByTimeAsync(0);
    const refreshes = [service.refresh(), service.refresh(), service.refresh()];
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.maxConcurrent).toBe(1);
    expect(source.scans).toBe(1);
    source.release();
    await vi.advanceTimersByTimeAsync(0);
    // The three refreshes share one follow-up scan, which starts after the first ends.
    expect(source.scans).toBe(2);
    source.hold = false;
    source.release();
    await Promise.all(refreshes);
    expect(source.maxConcurrent).toBe(1);
  });

  it('pauses and resumes, telling subscribers each time', async () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await vi.advanceTimersByTimeAsync(0);
    const events = collect(service);
    const paused = await service.pause();
    expect(paused.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.scans).toBe(1);
    await service.pause(); // already paused: no second status event
    const resumed = await service.resume();
    expect(resumed.paused).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(source.scans).toBe(2); // resume scans at once
    expect(events.map((e) => (e.type === 'status' ? e.status.paused : e.type))).toEqual([true, false]);
  });

  it('refreshes while paused without resuming', async () => {
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await service.pause();
    const before = source.scans;
    const status = await service.refresh();
    expect(source.scans).toBe(before + 1);
    expect(status.paused).toBe(true);
  });

  it('changes the interval and refuses one out of bounds', async () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await vi.advanceTimersByTimeAsync(0);
    const events = collect(service);
    expect((await service.setPollInterval(5000)).intervalMs).toBe(5000);
    await vi.advanceTimersByTimeAsync(4000);
    expect(source.scans).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.scans).toBe(2);
    expect(events).toEqual([{ type: 'status', status: expect.objectContaining({ intervalMs: 5000 }) }]);
    await expect(service.setPollInterval(5)).rejects.toThrow(/poll interval/);
    expect(() => new KeyringService({ source, intervalMs: 1.5 })).toThrow(/poll interval/);
  });

  it('reports a failing scan as lastError in words and keeps polling', async () => {
    vi.useFakeTimers();
    const source = new FakeSource();
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await vi.advanceTimersByTimeAsync(0);
    const events = collect(service);
    source.set(new Error('/proc/keys is gone'));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000); // the same failure again: no second event
    expect((await service.getStatus()).lastError).toBe('scan failed: /proc/keys is gone');
    source.set(fakeSnapshot([fakeKey(100)]));
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.scans).toBe(4);
    expect(events.map((e) => (e.type === 'status' ? e.status.lastError : e.type))).toEqual([
      'scan failed: /proc/keys is gone',
      null,
    ]);
  });

  it('says the scan thread was replaced, once, with the status that follows the first good scan after it', async () => {
    vi.useFakeTimers();
    const restarts = { count: 0, lastAt: 0, lastReason: '' };
    const source = Object.assign(new FakeSource(), { restarts: () => (restarts.count ? { ...restarts } : null) });
    service = new KeyringService({ source, intervalMs: 1000 }).start();
    await vi.advanceTimersByTimeAsync(0);
    expect((await service.getStatus()).restarts).toBeUndefined();
    const events = collect(service);
    source.set(new Error('the scan thread exited (code 70)'));
    await vi.advanceTimersByTimeAsync(1000);
    Object.assign(restarts, { count: 1, lastAt: 5, lastReason: 'the scan thread exited (code 70)' });
    source.set(fakeSnapshot([fakeKey(100)]));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000); // nothing new: no further status
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses.map((s) => [s.lastError, s.restarts?.count ?? 0])).toEqual([
      ['scan failed: the scan thread exited (code 70)', 0],
      [null, 1],
    ]);
    expect((await service.getStatus()).restarts).toEqual({ count: 1, lastAt: 5, lastReason: 'the scan thread exited (code 70)' });
  });

  it('rejects getSnapshot when no snapshot could ever be taken', async () => {
    const source = new FakeSource(new Error('no keyrings in this kernel'));
    service = new KeyringService({ source });
    await expect(service.getSnapshot()).rejects.toThrow(/no keyrings in this kernel/);
  });

  it('lets the last scan cost ride along with a delta at most once per few seconds', async () => {
    let now = 0;
    const source = new FakeSource(fakeSnapshot([fakeKey(1)]));
    service = new KeyringService({ source, intervalMs: 60_000, now: () => now });
    await service.getSnapshot();
    const events = collect(service);
    const statusCount = () => events.filter((e) => e.type === 'status').length;
    source.set(fakeSnapshot([fakeKey(1), fakeKey(2)]));
    await service.refresh();
    expect(statusCount()).toBe(1);
    const status = events.find((e) => e.type === 'status');
    expect(status?.type === 'status' && status.status.lastScan?.keyCount).toBe(2);
    now += 1000;
    source.set(fakeSnapshot([fakeKey(1)]));
    await service.refresh();
    expect(statusCount()).toBe(1);
    now += STATUS_SCAN_EVERY_MS;
    source.set(fakeSnapshot([fakeKey(3)]));
    await service.refresh();
    expect(statusCount()).toBe(2);
  });

  it('keeps serving other subscribers when one throws, and stops after unsubscribe', async () => {
    const source = new FakeSource(fakeSnapshot([fakeKey(1)]));
    service = new KeyringService({ source, intervalMs: 60_000 });
    await service.getSnapshot();
    service.subscribe(() => {
      throw new Error('broken listener');
    });
    const events: KeyringEvent[] = [];
    const stop = service.subscribe((e) => events.push(e));
    source.set(fakeSnapshot([fakeKey(2)]));
    await service.refresh();
    expect(events.some((e) => e.type === 'delta')).toBe(true);
    stop();
    source.set(fakeSnapshot([fakeKey(3)]));
    const count = events.length;
    await service.refresh();
    expect(events.length).toBe(count);
  });

  it('closes its source', async () => {
    const source = new FakeSource();
    const s = new KeyringService({ source }).start();
    await s.close();
    expect(source.closed).toBe(true);
  });

  it('reads the security label of a real key, and a refusal in words', async () => {
    service = new KeyringService({ source: new FakeSource() });
    const id = addKey('user', 'kb-service-details', Buffer.from('x'), KEY_SPEC.SESSION);
    const details = await service.getKeyDetails(id);
    expect(details.id).toBe(id);
    expect(typeof details.security).toBe('string');
    const missing = await service.getKeyDetails(0x7ffffff0);
    expect(missing.security).toBeNull();
    expect(missing.securityError).toMatch(/ENOKEY/);
  });

  it('names uids and gids from /etc/passwd and /etc/group', async () => {
    service = new KeyringService({ source: new FakeSource() });
    const names = await service.getIdentityNames();
    expect(names.users[0]).toBe('root');
    expect(names.groups[0]).toBe('root');
  });

  it('says which scope it scans and that this process reads it; the scope is fixed here', async () => {
    service = new KeyringService({ source: new FakeSource(), scope: { kind: 'all' } });
    const caps = await service.getCapabilities();
    expect(caps.view).toMatchObject({ scope: { kind: 'all' }, provider: { kind: 'process', uid: process.getuid!(), pid: process.pid } });
    expect(caps.view?.fixed).toMatch(/scans the scope it was started with/);
    await expect(service.setScope()).rejects.toThrow(/scans the scope it was started with/);
    const plain = new KeyringService({ source: new FakeSource() });
    expect((await plain.getCapabilities()).view?.scope).toEqual({ kind: 'process' });
    const saved = new KeyringService({ source: new FakeSource(), origin: { kind: 'file', name: 'a.json', takenAt: 1, recording: false } });
    expect(await saved.getCapabilities()).toEqual({ actionsAllowed: false, readOnly: true, origin: { kind: 'file', name: 'a.json', takenAt: 1, recording: false } });
  });
});
