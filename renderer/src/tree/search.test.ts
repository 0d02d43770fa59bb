import { describe, expect, it } from 'vitest';
import { k, ring } from '../test/keys';
import { compileQuery, runSearch } from './search';

const keys = [ring(0x1ca19b07, '_ses', [0x2d44aa01, 0x10]), k(0x2d44aa01, 'sudo_ticket'), k(0x10, 'cifs:a:server', { type: 'logon' }), k(0x2a, 'Kerberos TGT')];
const map = new Map(keys.map((x) => [x.id, x]));
const parents = new Map([
  [0x2d44aa01, [0x1ca19b07]],
  [0x10, [0x1ca19b07]],
]);
const ids = (q: string) => [...(runSearch(map, parents, q)?.matches ?? [])].sort((a, b) => a - b);

describe('search', () => {
  it('matches a hex id as /proc/keys prints it, with or without 0x', () => {
    expect(ids('2d44aa01')).toEqual([0x2d44aa01]);
    expect(ids('0x2d44aa01')).toEqual([0x2d44aa01]);
    expect(ids('0X1CA19B07')).toEqual([0x1ca19b07]);
  });

  it('matches a decimal id', () => {
    expect(ids(String(0x2d44aa01))).toEqual([0x2d44aa01]);
    expect(ids('42')).toEqual([0x2a]); // 42 decimal; 0x42 does not exist
  });

  it('matches descriptions and types case-insensitively', () => {
    expect(ids('kerberos')).toEqual([0x2a]);
    expect(ids('LOGON')).toEqual([0x10]);
    expect(ids('keyring')).toEqual([0x1ca19b07]);
  });

  it('collects the ancestors to open', () => {
    expect([...runSearch(map, parents, 'sudo')!.ancestors]).toEqual([0x1ca19b07]);
  });

  it('treats an empty query as no search', () => {
    expect(compileQuery('   ')).toBeNull();
    expect(runSearch(map, parents, '')).toBeNull();
  });
});
