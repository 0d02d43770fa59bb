// The administration methods through the one door: refused on a read-only connection before the
// service (or the kernel) sees them, and refused with the field's reason when their input is bad.
import { describe, expect, it } from 'vitest';
import { LABELLED_METHODS, METHOD_NAMES, methodKind, type ContractMethods, type LabelledMethod } from '../../shared/contract';
import { testSnapshot } from '../../shared/testing';
import { fileSource } from '../files/fileService';
import { dispatchCall } from './dispatch';
import { KeyringService } from './keyringService';

function spyService() {
  const calls: string[] = [];
  const service = new Proxy({}, {
    get: (_t, name) => async () => (name === 'getCapabilities' ? { actionsAllowed: true } : (calls.push(String(name)), { message: 'done' })),
  }) as ContractMethods;
  return { service, calls };
}

const sampleArgs: Record<LabelledMethod, unknown[]> = {
  addKey: [{ type: 'user', description: 'd', payloadBase64: 'eA==', keyring: -3 }],
  updateKey: [5, 'eA=='],
  linkKey: [5, 6],
  unlinkKey: [5, 6],
  moveKey: [5, 6, 7, false],
  revokeKey: [5],
  invalidateKey: [5],
  clearKeyring: [5],
  setKeyTimeout: [5, 10],
  setKeyPerm: [5, 0x3f010000],
  chownKey: [5, 'root', null],
  readPayload: [5],
  searchKey: [-3, 'user', 'd'],
  getPersistentKeyring: [null, -3],
};

describe('dispatching the administration methods', () => {
  it('classifies every method that changes keys (or hands out a payload) as an action, and only those', () => {
    const actions = METHOD_NAMES.filter((m) => methodKind(m) === 'action');
    expect([...actions].sort()).toEqual(
      [
        'addKey',
        'updateKey',
        'linkKey',
        'unlinkKey',
        'moveKey',
        'revokeKey',
        'invalidateKey',
        'clearKeyring',
        'setKeyTimeout',
        'setKeyPerm',
        'chownKey',
        'readPayload',
        'getPersistentKeyring',
      ].sort(),
    );
    // The menu offers every action, and the search (KEYCTL_SEARCH without a destination changes nothing).
    expect(LABELLED_METHODS.filter((m) => methodKind(m) === 'read')).toEqual(['searchKey']);
  });

  it('refuses each action on a read-only connection without calling the service, and runs it when allowed', async () => {
    for (const m of LABELLED_METHODS.filter((m) => methodKind(m) === 'action')) {
      const { service, calls } = spyService();
      expect(await dispatchCall(service, m, sampleArgs[m], { allowActions: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(calls).toEqual([]);
      expect(await dispatchCall(service, m, sampleArgs[m], { allowActions: true })).toMatchObject({ ok: true });
      expect(calls).toEqual([m]);
    }
  });

  it('tells the renderer whether this connection may act', async () => {
    const { service } = spyService();
    expect(await dispatchCall(service, 'getCapabilities', [], { allowActions: false })).toEqual({ ok: true, result: { actionsAllowed: false, readOnly: true } });
    expect(await dispatchCall(service, 'getCapabilities', [], { allowActions: true })).toEqual({ ok: true, result: { actionsAllowed: true, readOnly: false } });
  });

  it('a saved file never acts, whatever the connection allows, and says where its keys come from', async () => {
    const origin = { kind: 'file', name: 'a.json', takenAt: 1, recording: false } as const;
    const service = new KeyringService({ source: fileSource(testSnapshot([])), origin });
    expect(await dispatchCall(service, 'getCapabilities', [], { allowActions: true })).toEqual({ ok: true, result: { actionsAllowed: false, readOnly: true, origin } });
    expect(await dispatchCall(service, 'revokeKey', [5], { allowActions: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await service.close();
  });

  it('refuses bad input with the same reason the UI shows, before the service is called', async () => {
    const { service, calls } = spyService();
    const bad = async (method: string, args: unknown[]) => {
      const r = await dispatchCall(service, method, args, { allowActions: true });
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.message;
    };
    expect(await bad('setKeyPerm', [5, 0xff000000])).toContain('0x3f');
    expect(await bad('setKeyTimeout', [5, -1])).toContain('negative');
    expect(await bad('addKey', [{ type: 'user', description: '', payloadBase64: 'eA==', keyring: -3 }])).toContain('empty');
    expect(await bad('addKey', [{ type: 'keyring', description: 'r', payloadBase64: 'eA==', keyring: -3 }])).toContain('no payload');
    expect(await bad('addKey', [{ type: 'user', description: 'd', payloadBase64: 'A'.repeat(43692), keyring: -3 }])).toContain('32767');
    expect(await bad('linkKey', [-3, 6])).toContain('serial');
    expect(calls).toEqual([]);
  });
});
