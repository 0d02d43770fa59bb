// --redact's source wrapper: aliases for descriptions, ids remapped stably across scans, uids by choice.
import { describe, expect, it } from 'vitest';
import { REDACTED_ID_BASE } from '../../shared/redact';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { Redactor, redactingSource } from './redactingSource';

const key = (id: number, type: string, description: string, extra: Partial<KeyInfo> = {}): KeyInfo => ({
  id, type, description, uid: 1000, gid: 1000, perm: 0x3f010000, flags: 'I------', usage: 1, timeout: 'perm',
  expiry: null, possessed: true, orphan: false, ...(type === 'keyring' ? { links: [] } : {}), ...extra,
});

const snapshot = (keys: KeyInfo[], session = 11): Snapshot => ({
  takenAt: 0, uid: 1000, gid: 1000, groups: [1000, 0], keys, quotas: [{ uid: 1000, name: 'alice', usage: 1, nkeys: 1, nikeys: 1, qnkeys: 1, maxkeys: 200, qnbytes: 1, maxbytes: 20000 }],
  anchors: { thread: null, process: null, session, user: null, userSession: null, persistent: null },
});

const ID = (n: number) => REDACTED_ID_BASE + n;

function sourceOf(scans: Snapshot[], redactor?: Redactor) {
  let closed = false;
  const source = redactingSource({ scan: async () => scans.shift()!, close: async () => void (closed = true) }, redactor);
  return { source, closed: () => closed };
}

describe('redactingSource', () => {
  it('replaces descriptions by per-type aliases that stay with their key across scans', async () => {
    const { source, closed } = sourceOf([
      snapshot([key(11, 'keyring', '_ses'), key(22, 'keyring', 'krb_ccache:X'), key(33, 'user', 'alice@EXAMPLE.COM'), key(44, 'logon', 'fscrypt:ab')]),
      snapshot([key(11, 'keyring', '_ses'), key(55, 'user', 'bob'), key(33, 'user', 'alice@EXAMPLE.COM')]),
    ]);
    expect((await source.scan()).keys.map((k) => k.description)).toEqual(['_ses', 'keyring #1', 'user key #1', 'logon key #1']);
    expect((await source.scan()).keys.map((k) => k.description)).toEqual(['_ses', 'user key #2', 'user key #1']);
    await source.close();
    expect(closed()).toBe(true);
  });

  it('remaps ids, links, anchors and pins consistently across two scans, a key added in the second', async () => {
    const ring = (links: number[]) => key(22, 'keyring', 'mine', { links, pins: [{ kind: 'link', from: 11 }] });
    const user = key(33, 'user', 'secret', { pins: [{ kind: 'link', from: 22 }] });
    const reg = key(66, 'keyring', '_uid.1000', { pins: [{ kind: 'user', uid: 1000, processes: 2, userRegistry: 77 }] });
    const { source } = sourceOf([
      snapshot([key(11, 'keyring', '_ses', { links: [22] }), ring([33]), user]),
      snapshot([key(11, 'keyring', '_ses', { links: [22] }), reg, ring([33, 99]), user, key(99, 'user', 'added', { pins: [{ kind: 'link', from: 22 }] })]),
    ]);
    const first = await source.scan();
    expect(first.keys.map((k) => k.id)).toEqual([ID(0), ID(1), ID(2)]);
    expect(first.keys[0]!.links).toEqual([ID(1)]);
    expect(first.anchors.session).toBe(ID(0));

    const second = await source.scan();
    const byAlias = new Map(second.keys.map((k) => [k.description, k]));
    // The keys of the first scan keep their ids; the new ones get the next numbers.
    expect(second.keys.map((k) => k.id)).toEqual([ID(0), ID(3), ID(1), ID(2), ID(5)]);
    expect(second.anchors.session).toBe(ID(0));
    expect(byAlias.get('keyring #1')!.links).toEqual([ID(2), ID(5)]);
    expect(byAlias.get('keyring #1')!.pins).toEqual([{ kind: 'link', from: ID(0) }]);
    expect(byAlias.get('user key #2')!.pins).toEqual([{ kind: 'link', from: ID(1) }]);
    // A pin's userRegistry (not a key of the snapshot) is remapped too; uids are kept by default.
    expect(byAlias.get('_uid.1000')!.pins).toEqual([{ kind: 'user', uid: 1000, processes: 2, userRegistry: ID(4) }]);
    const realIds = [11, 22, 33, 66, 77, 99];
    const text = JSON.stringify(second);
    for (const real of realIds) expect(second.keys.some((k) => k.id === real || k.links?.includes(real))).toBe(false);
    for (const d of ['mine', 'secret', 'added']) expect(text).not.toContain(d);
  });

  it('translates a real id to the alias id the page shows', async () => {
    const redactor = new Redactor();
    const { source } = sourceOf([snapshot([key(11, 'keyring', '_ses'), key(33, 'user', 'x')])], redactor);
    await source.scan();
    expect(redactor.knownId(33)).toBe(ID(1));
    expect(redactor.knownId(12345)).toBeUndefined();
  });

  it('keeps uids by default and renumbers them on request, keeping 0 and 65534', async () => {
    const keys = [key(11, 'keyring', '_uid.1000', { uid: 1000, gid: 65534 }), key(33, 'user', 'x', { uid: 0, gid: 0 }), key(44, 'user', 'y', { uid: 4242, gid: 4242 })];
    const kept = await sourceOf([snapshot(keys)]).source.scan();
    expect(kept.keys.map((k) => [k.description, k.uid])).toEqual([['_uid.1000', 1000], ['user key #1', 0], ['user key #2', 4242]]);

    const replaced = await sourceOf([snapshot(keys), snapshot(keys)], new Redactor({ uids: 'replace' })).source.scan();
    // uid 4242 becomes 1001 (the owner 1000 → 1000 was seen first); the `_uid.N` name follows its uid.
    // Gids have their own numbering: 4242 is the first gid seen that is not well known.
    expect(replaced.keys.map((k) => [k.description, k.uid, k.gid])).toEqual([['_uid.1000', 1000, 65534], ['user key #1', 0, 0], ['user key #2', 1001, 1000]]);
    expect(replaced.uid).toBe(1000);
    expect(replaced.gid).toBe(1001);
    expect(replaced.groups).toEqual([1001, 0]);
    expect(replaced.quotas[0]!.uid).toBe(1000);
    expect(JSON.stringify(replaced)).not.toContain('4242');
  });

  it('keeps only the kernel’s own names (shared/redact.ts rule)', async () => {
    const names = ['_ses', '_uid.0', '_uid_ses.1000', '_persistent.1000', '.user_reg', '.dns_resolver', '_ses.mine', '_uid.alice', 'alice'];
    const s = await sourceOf([snapshot(names.map((n, i) => key(100 + i, 'keyring', n)).concat(key(200, 'user', '_ses')))]).source.scan();
    expect(s.keys.map((k) => k.description)).toEqual([...names.slice(0, 6), 'keyring #1', 'keyring #2', 'keyring #3', 'user key #1']);
  });
});
