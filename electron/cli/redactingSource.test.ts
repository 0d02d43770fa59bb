// --redact's source wrapper: every description but the kernel's own names becomes a stable alias.
import { describe, expect, it } from 'vitest';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { isKernelName, redactingSource } from './redactingSource';

const key = (id: number, type: string, description: string): KeyInfo => ({
  id, type, description, uid: 1000, gid: 1000, perm: 0x3f010000, flags: 'I------', usage: 1, timeout: 'perm',
  expiresAt: null, possessed: true, orphan: false, ...(type === 'keyring' ? { links: [] } : {}),
});

const snapshot = (keys: KeyInfo[]): Snapshot => ({
  takenAt: 0, uid: 1000, gid: 1000, groups: [], keys, quotas: [],
  anchors: { thread: null, process: null, session: 1, user: null, userSession: null, persistent: null },
});

describe('redactingSource', () => {
  it('replaces descriptions by per-type aliases that stay with their id across scans', async () => {
    const scans = [
      snapshot([key(1, 'keyring', '_ses'), key(2, 'keyring', 'krb_ccache:X'), key(3, 'user', 'alice@EXAMPLE.COM'), key(4, 'logon', 'fscrypt:ab')]),
      snapshot([key(1, 'keyring', '_ses'), key(5, 'user', 'bob'), key(3, 'user', 'alice@EXAMPLE.COM')]),
    ];
    let closed = false;
    const source = redactingSource({ scan: async () => scans.shift()!, close: async () => void (closed = true) });
    const first = await source.scan();
    expect(first.keys.map((k) => k.description)).toEqual(['_ses', 'keyring #1', 'user key #1', 'logon key #1']);
    const second = await source.scan();
    expect(second.keys.map((k) => k.description)).toEqual(['_ses', 'user key #2', 'user key #1']);
    expect(second.keys.map((k) => k.id)).toEqual([1, 5, 3]);
    await source.close();
    expect(closed).toBe(true);
  });

  it('keeps only the kernel’s own names', () => {
    for (const n of ['_ses', '_uid.0', '_uid_ses.1000', '_persistent.1000', '.user_reg', '.dns_resolver']) expect(isKernelName('keyring', n)).toBe(true);
    for (const n of ['_ses.mine', '_uid.alice', 'alice', '_krb']) expect(isKernelName('keyring', n)).toBe(false);
    // Only keyrings: a user key may be called anything, `_ses` included.
    expect(isKernelName('user', '_ses')).toBe(false);
  });
});
