import { describe, expect, it } from 'vitest';
import { k, ring } from '../test/keys';
import { buildTreeModel } from './model';
import { roleText } from './roles';
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

  it('finds keys by their role ("ticket", "credential cache")', () => {
    const krb = [
      ring(1, '_krb', [2]),
      ring(2, 'krb_ccache_6C9qzTw', [3, 4]),
      k(3, 'host/localhost@EXAMPLE.TEST'),
      k(4, '__krb5_princ__'),
      k(5, 'unrelated'),
    ];
    const model = buildTreeModel(new Map(krb.map((x) => [x.id, x])), { thread: null, process: null, session: null, user: null, userSession: null, persistent: null });
    const find = (q: string) => [...(runSearch(model.keys, model.parents, q, (id) => roleText(model, id))?.matches ?? [])].sort((a, b) => a - b);
    expect(find('ticket')).toEqual([3]);
    expect(find('Credential cache')).toEqual([1, 2]);
    expect(find('principal')).toEqual([4]);
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
