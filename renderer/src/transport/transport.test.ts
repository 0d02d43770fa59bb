import { describe, expect, it } from 'vitest';
import type { KeyringEvent, PollerStatus } from '../../../shared/api';
import { KeyringApiError, type KeyringBridge } from '../../../shared/protocol';
import { createBridgeApi } from './bridgeClient';
import { takeServeToken, type TokenEnvironment } from './serveToken';

function env(href: string, stored: Record<string, string> = {}): TokenEnvironment & { replaced: string[]; stored: Record<string, string> } {
  const replaced: string[] = [];
  return {
    replaced,
    stored,
    location: { href },
    history: { replaceState: (_d, _u, url) => replaced.push(String(url)) },
    sessionStorage: { getItem: (k) => stored[k] ?? null, setItem: (k, v) => void (stored[k] = v) },
  };
}

describe('takeServeToken', () => {
  it('takes the token from the URL and moves it out of the address bar', () => {
    const e = env('http://127.0.0.1:5000/?token=abc&view=tree#x');
    expect(takeServeToken(e)).toBe('abc');
    expect(e.replaced).toEqual(['/?view=tree#x']);
    expect(Object.values(e.stored)).toEqual(['abc']);
  });

  it('finds it again after a reload', () => {
    const e = env('http://127.0.0.1:5000/', { 'keyring-browser.token': 'abc' });
    expect(takeServeToken(e)).toBe('abc');
    expect(takeServeToken(env('http://127.0.0.1:5000/'))).toBeNull();
  });
});

describe('createBridgeApi', () => {
  const status: PollerStatus = { intervalMs: 1000, paused: false, lastScan: null, lastError: null };
  const listeners: ((e: KeyringEvent) => void)[] = [];
  const bridge = {
    getStatus: async () => ({ ok: true, result: status }),
    getKeyDetails: async () => ({ ok: false, error: { code: 'EACCES', message: 'permission denied' } }),
    subscribe: (l: (e: KeyringEvent) => void) => {
      listeners.push(l);
      return () => {};
    },
  } as unknown as KeyringBridge;
  const api = createBridgeApi(bridge);

  it('unwraps results', async () => {
    expect(await api.getStatus()).toEqual(status);
  });

  it('turns error envelopes back into KeyringApiError with the errno code', async () => {
    const err = await api.getKeyDetails(5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyringApiError);
    expect(err).toMatchObject({ code: 'EACCES', message: 'permission denied' });
  });

  it('passes subscriptions through', () => {
    const got: KeyringEvent[] = [];
    api.subscribe((e) => got.push(e));
    listeners[0]?.({ type: 'status', status });
    expect(got).toHaveLength(1);
  });
});
