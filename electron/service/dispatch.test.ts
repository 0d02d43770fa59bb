import { describe, expect, it } from 'vitest';
import type { ContractMethods } from '../../shared/contract';
import { KeyctlError } from '../keyring/keyctlError';
import { dispatchCall, readOnlySwitch } from './dispatch';
import { KeyringService } from './keyringService';
import { FakeSource } from './test/fakeSource';

const service = new KeyringService({
  source: new FakeSource(),
  readKeyDetails: (id) => {
    throw new KeyctlError('KEYCTL_GET_SECURITY', 13, id);
  },
});

describe('dispatchCall', () => {
  it('runs a valid call', async () => {
    expect(await dispatchCall(service, 'getStatus', [], { allowActions: false })).toMatchObject({ ok: true, result: { paused: false } });
  });

  it('refuses unknown methods, bad arguments, and methods of the object that are not in the contract', async () => {
    expect(await dispatchCall(service, 'close', [], { allowActions: true })).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await dispatchCall(service, 'constructor', [], { allowActions: true })).toMatchObject({ error: { code: 'unknown-method' } });
    expect(await dispatchCall(service, 'getKeyDetails', [-3], { allowActions: true })).toMatchObject({ error: { code: 'bad-args' } });
    expect(await dispatchCall(service, 'getKeyDetails', [1, 2], { allowActions: true })).toMatchObject({ error: { code: 'bad-args' } });
    expect(await dispatchCall(service, 'getStatus', 'nope', { allowActions: true })).toMatchObject({ error: { code: 'bad-args' } });
  });

  it('refuses an action unless actions are allowed, in this one place', async () => {
    const calls: string[] = [];
    const spy = {
      getCapabilities: async () => ({ actionsAllowed: true }),
      revokeKey: async (id: number) => (calls.push(`revokeKey ${id}`), { message: 'revoked' }),
    } as unknown as ContractMethods;
    expect(await dispatchCall(spy, 'revokeKey', [5], { allowActions: false })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
    expect(await dispatchCall(spy, 'revokeKey', [5], { allowActions: true })).toMatchObject({ ok: true, result: { message: 'revoked' } });
    expect(calls).toEqual(['revokeKey 5']);
  });

  it('keeps the errno name of a kernel refusal', async () => {
    const failing = {
      getCapabilities: async () => ({ actionsAllowed: true }),
      getKeyDetails: async (id: number) => {
        throw new KeyctlError('KEYCTL_READ', 13, id);
      },
    } as unknown as ContractMethods;
    const answer = await dispatchCall(failing, 'getKeyDetails', [5], { allowActions: false });
    expect(answer).toMatchObject({ ok: false, error: { code: 'EACCES', message: expect.stringMatching(/KEYCTL_READ.*EACCES/) } });
  });

  it("holds a connection's read-only switch: on at start, off only where actions are allowed and the confirmation says yes", async () => {
    const calls: string[] = [];
    const spy = {
      getCapabilities: async () => ({ actionsAllowed: true, readOnly: false }),
      revokeKey: async (id: number) => (calls.push(`revokeKey ${id}`), { message: 'revoked' }),
    } as unknown as ContractMethods;
    let answer = false;
    const asked: number[] = [];
    const readOnly = readOnlySwitch(async () => (asked.push(1), answer));
    const options = { allowActions: true, readOnly };
    expect(await dispatchCall(spy, 'getCapabilities', [], options)).toEqual({ ok: true, result: { actionsAllowed: true, readOnly: true } });
    expect(await dispatchCall(spy, 'revokeKey', [5], options)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'revokeKey changes keys and the read-only switch is on' } });

    expect(await dispatchCall(spy, 'setReadOnly', [false], options)).toEqual({ ok: true, result: { actionsAllowed: true, readOnly: true } });
    answer = true;
    expect(await dispatchCall(spy, 'setReadOnly', [false], options)).toEqual({ ok: true, result: { actionsAllowed: true, readOnly: false } });
    expect(asked).toHaveLength(2);
    expect(await dispatchCall(spy, 'revokeKey', [5], options)).toMatchObject({ ok: true });
    // Already off: no second question.
    await dispatchCall(spy, 'setReadOnly', [false], options);
    expect(asked).toHaveLength(2);
    expect(await dispatchCall(spy, 'setReadOnly', [true], options)).toEqual({ ok: true, result: { actionsAllowed: true, readOnly: true } });
    expect(await dispatchCall(spy, 'revokeKey', [6], options)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual(['revokeKey 5']);
  });

  it('keeps the switch on when the connection may not act, or the confirmation fails', async () => {
    const spy = { getCapabilities: async () => ({ actionsAllowed: true, readOnly: false }) } as unknown as ContractMethods;
    const forbidden = readOnlySwitch(async () => true);
    expect(await dispatchCall(spy, 'setReadOnly', [false], { allowActions: false, readOnly: forbidden })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'this connection does not allow changes to keys' },
    });
    expect(forbidden.on).toBe(true);
    const broken = readOnlySwitch(async () => {
      throw new Error('no display');
    });
    expect(await dispatchCall(spy, 'setReadOnly', [false], { allowActions: true, readOnly: broken })).toMatchObject({ ok: true, result: { readOnly: true } });
    expect(await dispatchCall(spy, 'setReadOnly', ['false'], { allowActions: true, readOnly: broken })).toMatchObject({ ok: false, error: { code: 'bad-args' } });
  });
});
