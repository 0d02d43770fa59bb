import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, generatedSnapshot } from '../dev/fixture';
import { k, ring } from '../test/keys';
import { flattenTree, membersIn } from './flatten';
import { buildTreeModel, drawnParents, withChangedKeys } from './model';
import { processOnlyModel } from './processOnly';
import { roleText } from './roles';
import { compileQuery, runSearch } from './search';
import { IDLE_SLICE_MS, searchIndexOf, searchModel, warmSearchIndex } from './searchIndex';

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

// The index (searchIndex.ts) must find exactly what the definition finds, over the fixture's roles (Kerberos,
// NFS, kernel keyrings) and random descriptions, for random queries: words, parts of them, role words, ids.
describe('searchModel (the search index)', () => {
  const fixture = fixtureSnapshot();
  const arbDescription = fc.oneof(
    fc.constantFrom('krb_ccache_6C9qzTw', '__krb5_princ__', 'host/db@EXAMPLE.TEST', '_ses', '.id_resolver', 'uid:alice@example.test', 'Bench:3:12', 'x'),
    fc.string({ maxLength: 12 }),
  );
  const arbExtra = fc.array(fc.tuple(arbDescription, fc.constantFrom('user', 'logon', 'keyring', 'id_resolver', 'asymmetric', 'big_key')), { maxLength: 30 });
  const arbQuery = (ids: number[], texts: string[]) =>
    fc.oneof(
      fc.constantFrom('ticket', 'credential cache', 'KERBEROS', 'nfs', 'session', 'keyring', 'user', 'ccache', '\n', 'a\nb', ' user ', ''),
      fc.constantFrom(...texts).chain((t) => fc.tuple(fc.nat(t.length), fc.nat(4)).map(([i, n]) => t.slice(i, i + 1 + n))),
      fc.constantFrom(...ids).chain((id) => fc.constantFrom(id.toString(16), `0x${id.toString(16)}`, String(id), id.toString(16).toUpperCase())),
      fc.string({ maxLength: 4 }),
    );

  it('finds exactly what runSearch finds, matches and ancestors, in the full tree and "This process only"', () => {
    fc.assert(
      fc.property(
        arbExtra.chain((extra) => {
          // Extra keys go into the session keyring (some into a cache keyring of their own), so roles and ancestors vary.
          // Each extra keyring links only the key before it: a chain, so the walk to the ancestors stays linear.
          const session = fixture.keys.find((x) => x.id === fixture.anchors.session)!;
          const added = extra.map(([description, type], i) =>
            type === 'keyring' ? ring(0x3000 + i, description, i > 0 ? [0x3000 + i - 1] : []) : k(0x3000 + i, description, { type }),
          );
          const keys = [...fixture.keys.filter((x) => x !== session), { ...session, links: [...(session.links ?? []), ...added.map((a) => a.id)] }, ...added];
          const ids = keys.map((x) => x.id);
          const texts = keys.map((x) => x.description).filter((t) => t.length > 0);
          return fc.tuple(fc.constant(keys), fc.array(arbQuery(ids, texts), { minLength: 1, maxLength: 8 }));
        }),
        ([keys, queries]) => {
          const full = buildTreeModel(new Map(keys.map((x) => [x.id, x])), fixture.anchors, { quotas: fixture.quotas, uid: fixture.uid });
          for (const model of [full, processOnlyModel(full)]) {
            for (const q of queries) {
              const want = runSearch(model.keys, drawnParents(model), q, (id) => roleText(model, id));
              const got = searchModel(model, q);
              expect(got && { ...got, matches: [...got.matches], ancestors: [...got.ancestors].sort() }).toEqual(
                want && { ...want, matches: [...want.matches], ancestors: [...want.ancestors].sort() },
              );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps its index for a delta that changes no structure, and its answers follow the keys', () => {
    const model = buildTreeModel(new Map(fixture.keys.map((x) => [x.id, x])), fixture.anchors, { quotas: fixture.quotas, uid: fixture.uid });
    const index = searchIndexOf(model);
    const some = fixture.keys.find((x) => x.type === 'user')!;
    const next = withChangedKeys(model, new Map(fixture.keys.map((x) => [x.id, x.id === some.id ? { ...x, perm: x.perm ^ 0x10000 } : x])))!;
    expect(searchIndexOf(next)).toBe(index);
    expect(searchModel(next, some.description)?.matches.has(some.id)).toBe(true);
  });

  it('is built in idle slices, and a search before the last slice finishes it', () => {
    const model = buildTreeModel(new Map(fixture.keys.map((x) => [x.id, x])), fixture.anchors, { quotas: fixture.quotas, uid: fixture.uid });
    const slices: ((d: { timeRemaining(): number }) => void)[] = [];
    const stop = warmSearchIndex(model, (cb) => {
      slices.push(cb);
      return () => {};
    });
    expect(slices).toHaveLength(1);
    slices.shift()!({ timeRemaining: () => 0 }); // no time at all: 64 keys and members, then the next slice is asked for
    const work = fixture.keys.reduce((n, k) => n + 1 + membersIn(model, k).length, 0);
    expect(slices).toHaveLength(work >= 64 ? 1 : 0);
    stop();
    const q = fixture.keys[fixture.keys.length - 1]!.description;
    expect(searchModel(model, q)).toEqual(runSearch(model.keys, drawnParents(model), q, (id) => roleText(model, id)));
  });

  it("tells each keyring's leaves as the search's walk would (the rows of a search are the same with the index built first)", () => {
    const snapshot = generatedSnapshot(2000, 0);
    const build = () => buildTreeModel(new Map(snapshot.keys.map((x) => [x.id, x])), snapshot.anchors, { quotas: snapshot.quotas, uid: snapshot.uid });
    const [indexed, fresh] = [build(), build()];
    searchIndexOf(indexed);
    for (const query of ['bench:1', 'bench-ring', 'user']) {
      // The fresh model's search by runSearch, which builds no index: its walk tells the leaves itself.
      const search = runSearch(fresh.keys, drawnParents(fresh), query, (id) => roleText(fresh, id));
      const rows = (model: typeof indexed) => flattenTree(model, { expansion: new Map(), search, filter: false });
      expect(rows(indexed)).toEqual(rows(fresh));
    }
  });

  it('ends a slice after IDLE_SLICE_MS even when the idle period is longer', () => {
    const snapshot = generatedSnapshot(2000, 0);
    const model = buildTreeModel(new Map(snapshot.keys.map((x) => [x.id, x])), snapshot.anchors, { quotas: snapshot.quotas, uid: snapshot.uid });
    const slices: ((d: { timeRemaining(): number }) => void)[] = [];
    // A clock that moves 1 ms each time it is read: the slice reads it once to start and once per 64 keys and members.
    let clock = 0;
    const stop = warmSearchIndex(
      model,
      (cb) => {
        slices.push(cb);
        return () => {};
      },
      () => clock++,
    );
    slices.shift()!({ timeRemaining: () => 50 });
    expect(clock).toBe(IDLE_SLICE_MS + 1);
    expect(slices).toHaveLength(1); // more to do, in the next idle period
    stop();
  });
});
