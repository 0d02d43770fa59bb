// The contract table is the only list of methods: a method added to it must be implemented by the
// service, or the build fails. Checked at compile time (`npm run typecheck` covers this file); the
// runtime half checks that the service really offers every method of the table.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActionOutcome } from '../../shared/api';
import { CONTRACT, METHOD_NAMES, type Contract, type ContractTable, type MethodsOf, type Returns } from '../../shared/contract';
import { KeyringService } from './keyringService';
import { FakeSource } from './test/fakeSource';

/** The table with one more method, as a newcomer would add it. */
const extended = {
  ...CONTRACT,
  frobKey: {
    kind: 'action',
    label: 'Frob',
    args: z.tuple([z.number()]),
    result: {} as Returns<ActionOutcome>,
  },
} as const satisfies ContractTable;

describe('the contract table', () => {
  it('is implemented by the service, and an entry without an implementation does not compile', () => {
    const service = new KeyringService({ source: new FakeSource() });
    const implemented: MethodsOf<Contract> = service;
    // @ts-expect-error frobKey is in the table but KeyringService does not implement it.
    const missing: MethodsOf<typeof extended> = service;
    expect(missing).toBe(implemented);
    expect(Object.keys(extended)).toEqual([...METHOD_NAMES, 'frobKey']);
    for (const method of METHOD_NAMES) expect(typeof service[method]).toBe('function');
    void service.close();
  });

  it('names every method of the table, in its order', () => {
    expect(METHOD_NAMES).toEqual(Object.keys(CONTRACT));
  });
});
