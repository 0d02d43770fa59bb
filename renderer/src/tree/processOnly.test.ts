import { describe, expect, it } from 'vitest';
import { k, ring, snap } from '../test/keys';
import { flattenTree, type FlatRow } from './flatten';
import { buildTreeModel } from './model';
import { keysOutsideProcess, processOnlyModel } from './processOnly';
import { runSearch } from './search';

// _ses(1) → a(2) → shared(9); another session's _ses(30) → b(31) → shared(9) and its own tok(32);
// .user_reg(10) kernel-held, holding _uid.0(11).
const s = snap(
  [ring(1, '_ses', [2]), ring(2, 'a', [9]), k(9, 'shared tok'), ring(30, '_ses', [31]), ring(31, 'b', [9, 32]), k(32, 'tok'), ring(10, '.user_reg', [11]), ring(11, '_uid.0', [])],
  { session: 1 },
);
const full = buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors);
const label = (r: FlatRow) => (r.kind === 'section' ? `#${r.section}` : r.kind === 'key' ? `${'  '.repeat(r.depth)}${r.key.description}${r.shared ? ' (shared)' : ''}` : r.kind);

describe('This process only', () => {
  it("keeps exactly what this process reaches: no kernel-held section, no other session's keyrings", () => {
    const m = processOnlyModel(full);
    expect([...m.keys.keys()].sort((a, b) => a - b)).toEqual([1, 2, 9]);
    expect(m.kernelRoots).toEqual([]);
    expect(m.orphanRoots).toEqual([]);
    expect(m.users).toEqual([]);
    expect(keysOutsideProcess(full)).toBe(5);
    const rows = flattenTree(m, { expansion: new Map(), search: null, filter: false }).filter((r) => r.kind === 'section' || r.kind === 'key');
    // Key 9 is linked from another session's keyring too, but here it appears once: not marked shared.
    expect(rows.map(label)).toEqual(['#anchors', '  _ses', '    a', '      shared tok']);
    expect(flattenTree(full, { expansion: new Map(), search: null, filter: false }).some((r) => r.kind === 'section' && r.section === 'kernel')).toBe(true);
  });

  it("searches only this process's keys, and reveals them only through its keyrings", () => {
    const m = processOnlyModel(full);
    const found = runSearch(m.keys, m.parents, 'tok')!;
    expect([...found.matches].sort((a, b) => a - b)).toEqual([9]);
    expect([...found.ancestors].sort((a, b) => a - b)).toEqual([1, 2]);
    expect([...runSearch(full.keys, full.parents, 'tok')!.matches].sort((a, b) => a - b)).toEqual([9, 32]);
  });

  it('is worked out once per model', () => {
    expect(processOnlyModel(full)).toBe(processOnlyModel(full));
  });
});
