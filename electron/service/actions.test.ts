// The actions against the real kernel, in this test process's own session keyring; keyutils' keyctl
// (a separate process in the same session) is the oracle.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { IdentityNames } from '../../shared/api';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import * as keyctl from '../keyring/keyctl';
import { KeyringActions, pathTo } from './actions';

const oracle = (...args: string[]) => execFileSync('keyctl', args, { encoding: 'utf8' }).trim();
const b64 = (text: string) => Buffer.from(text).toString('base64');
const session = () => keyctl.getKeyringId(keyctl.KEY_SPEC.SESSION);

function keyInfo(id: number, overrides: Partial<KeyInfo> = {}): KeyInfo {
  const d = keyctl.describe(id);
  return {
    id, type: d.type, description: d.description, uid: d.uid, gid: d.gid, perm: d.perm, flags: 'I------', usage: 1,
    timeout: 'perm', expiry: null, possessed: true, orphan: false, ...overrides,
  };
}

function snapshotOf(keys: KeyInfo[]): Snapshot {
  return {
    takenAt: Date.now(), uid: process.getuid!(), gid: process.getgid!(), groups: [],
    anchors: { thread: null, process: null, session: session(), user: null, userSession: null, persistent: null },
    keys, quotas: [],
  };
}

/** The actions over a given snapshot, counting the rescans they ask for (KeyringService supplies these for real). */
class Harness extends KeyringActions {
  refreshes = 0;
  constructor(private readonly snapshot: () => Snapshot | null) {
    super();
  }
  protected override latestSnapshot(): Snapshot | null {
    return this.snapshot();
  }
  override async refresh(): Promise<void> {
    this.refreshes++;
  }
  override async getIdentityNames(): Promise<IdentityNames> {
    return { users: { 0: 'root' }, groups: { 0: 'root' } };
  }
  protected override timeoutSet(): void {}
}

function harness(snapshot: () => Snapshot | null = () => null) {
  const actions = new Harness(snapshot);
  return { actions, refreshes: () => actions.refreshes };
}

describe('actions against the kernel', () => {
  it('adds user keys and keyrings, reads and updates a payload, and rescans after each', async () => {
    const { actions, refreshes } = harness();
    const added = await actions.addKey({ type: 'user', description: 'act-user', payloadBase64: b64('s3cret'), keyring: -3 });
    expect(added.keyId).toBeGreaterThan(0);
    expect(oracle('print', String(added.keyId))).toBe('s3cret');
    expect(Buffer.from((await actions.readPayload(added.keyId!)).base64, 'base64').toString()).toBe('s3cret');
    await actions.updateKey(added.keyId!, b64('n3w'));
    expect(oracle('print', String(added.keyId))).toBe('n3w');
    const ring = await actions.addKey({ type: 'keyring', description: 'act-ring', payloadBase64: null, keyring: -3 });
    expect(oracle('rdescribe', String(ring.keyId))).toMatch(/^keyring;/);
    expect(refreshes()).toBe(4);
  });

  it('links, moves, unlinks and clears', async () => {
    const { actions } = harness();
    const a = Number(oracle('newring', 'act-a', '@s'));
    const b = Number(oracle('newring', 'act-b', '@s'));
    const key = Number(oracle('add', 'user', 'act-mobile', 'x', String(a)));
    await actions.linkKey(key, b);
    expect(keyctl.readKeyringMembers(b)).toContain(key);
    await actions.unlinkKey(key, b);
    expect(keyctl.readKeyringMembers(b)).not.toContain(key);
    await actions.moveKey(key, a, b, false);
    expect(keyctl.readKeyringMembers(a)).not.toContain(key);
    expect(keyctl.readKeyringMembers(b)).toContain(key);
    await actions.clearKeyring(b);
    expect(keyctl.readKeyringMembers(b)).toEqual([]);
  });

  it('sets a timeout, permissions and the owner', async () => {
    const { actions } = harness();
    const key = Number(oracle('add', 'user', 'act-attrs', 'x', '@s'));
    await actions.setKeyTimeout(key, 3600);
    expect(oracle('timeout', String(key), '0')).toBe(''); // still settable: we kept setattr
    await actions.setKeyPerm(key, 0x3f3f0000);
    expect(keyctl.describe(key).perm).toBe(0x3f3f0000);
    await actions.chownKey(key, null, 'root');
    expect(keyctl.describe(key).gid).toBe(0);
    await expect(actions.setKeyPerm(key, 0xff000000)).rejects.toMatchObject({ code: 'bad-args', message: expect.stringContaining('0x3f') });
    await expect(actions.setKeyTimeout(key, -1)).rejects.toMatchObject({ code: 'bad-args', message: expect.stringContaining('negative') });
  });

  it('revokes and invalidates; a revoked key refuses reads with EKEYREVOKED in words', async () => {
    const { actions } = harness();
    const key = Number(oracle('add', 'user', 'act-revoke', 'x', '@s'));
    await actions.revokeKey(key);
    await expect(actions.readPayload(key)).rejects.toMatchObject({ code: 'EKEYREVOKED', message: expect.stringMatching(/^EKEYREVOKED: .*revoked/) });
    const gone = Number(oracle('add', 'user', 'act-invalidate', 'x', '@s'));
    await actions.invalidateKey(gone);
    expect(() => keyctl.describe(gone)).toThrow(/ENOKEY|EKEYREVOKED/);
  });

  it('explains EACCES with the mask and the class that applies', async () => {
    const key = Number(oracle('add', 'user', 'act-noread', 'x', '@s'));
    // Without search permission the key is not possessed (the kernel's possession search needs it).
    const info = keyInfo(key, { perm: 0x01000000, possessed: false });
    oracle('setperm', String(key), '0x01000000');
    const { actions } = harness(() => snapshotOf([info]));
    const hex = key.toString(16).padStart(8, '0');
    await expect(actions.readPayload(key)).rejects.toMatchObject({
      code: 'EACCES',
      message: `EACCES: this process lacks read on key 0x${hex} (perm 01000000, you match 'user')`,
    });
  });

  it('says a logon key is unreadable by design without asking the kernel', async () => {
    const key = Number(oracle('add', 'logon', 'act:logon', 'x', '@s'));
    const { actions } = harness();
    await expect(actions.readPayload(key)).rejects.toMatchObject({ code: 'EOPNOTSUPP', message: expect.stringContaining('by design') });
  });

  it('searches like keyctl search and says through which keyrings', async () => {
    const ring = Number(oracle('newring', 'act-search', '@s'));
    const key = Number(oracle('add', 'user', 'act-needle', 'x', String(ring)));
    const s = session();
    const snap = snapshotOf([keyInfo(s, { links: keyctl.readKeyringMembers(s) }), keyInfo(ring, { links: [key] }), keyInfo(key)]);
    const { actions } = harness(() => snap);
    const found = await actions.searchKey(-3, 'user', 'act-needle');
    expect(found.found).toBe(key);
    expect(found.path).toEqual([s, ring]);
    expect(found.message).toContain('act-search');
    await expect(actions.searchKey(-3, 'user', 'act-absent')).rejects.toMatchObject({ code: 'ENOKEY' });
    expect(pathTo(snap, s, 12345)).toBeNull();
  });

  it('links the persistent keyring into the chosen keyring', async () => {
    const { actions } = harness();
    const ring = Number(oracle('newring', 'act-persist', '@s'));
    const got = await actions.getPersistentKeyring(null, ring);
    expect(keyctl.readKeyringMembers(ring)).toContain(got.keyId);
    expect(got.message).toMatch(/renewed/);
  });
});
