// The scan's possession and reachability walks by WebAssembly (rowWalks.wat) against the JavaScript walks they
// stand in for (scanContext.ts possessedRows and reachableRows without the module), on fast-check keyring graphs:
// members with no row, keyrings we may not read, keys whose possessor byte lacks SEARCH (the class rule decides),
// chains deeper than the kernel's search, cycles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Anchors } from '../../shared/snapshot';
import { KeyTable } from './keyTable';
import { MAX_SEARCHED_DEPTH } from './possession';
import { keyringsOf, memberRowsByRow, newScanContext, possessedRows, reachableRows, rowWalksOf, type ScanContext } from './scanContext';

const who = { uid: 1000, gid: 1000, groups: [7] };
/** Possessor bytes with and without SEARCH, and class bytes that grant it to the owner, the group, or others. */
const PERMS = [0x3f010000, 0x37010000, 0x01080000, 0x00000800, 0x00000008, 0x3f3f3f3f, 0x00000000];

interface Graph {
  keys: { ring: boolean; perm: number; uid: number; gid: number; kernelHeld: boolean }[];
  /** By key: its members (indexes of keys, or ids no key has), or null (may not read). */
  lists: (number[] | null)[];
  anchors: number[];
}

const ID_BASE = 1000;
const idOf = (k: number): number => ID_BASE + 7 * k;

const graph: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    keys: fc.array(
      fc.record({
        ring: fc.boolean(),
        perm: fc.constantFrom(...PERMS),
        uid: fc.constantFrom(0, 1000),
        gid: fc.constantFrom(0, 7, 1000),
        kernelHeld: fc.boolean(),
      }),
      { minLength: n, maxLength: n },
    ),
    lists: fc.array(
      fc.option(fc.array(fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: n - 1 }) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: -1 }) }), { maxLength: 12 }), { freq: 6 }),
      { minLength: n, maxLength: n },
    ),
    anchors: fc.array(fc.integer({ min: -1, max: n - 1 }), { minLength: 6, maxLength: 6 }),
  }),
);

/** The graph as a scan's context: ids 1000 + 7k, keyrings' lists as read (a negative member: an id no key has). */
function contextOf(g: Graph): ScanContext {
  const table = new KeyTable(0);
  g.keys.forEach((k, i) => {
    const row = table.addFields({ id: idOf(i), flags: 'I------', usage: 1, timeout: 'perm', perm: k.perm, uid: k.uid, gid: k.gid, typeCut: k.ring ? 'keyring' : 'user', rest: 'x' }, 0);
    table.setName(row, k.ring ? 'keyring' : 'user', `${k.kernelHeld ? '.' : ''}key${i}`);
  });
  const ctx = newScanContext(table, new Set());
  g.keys.forEach((k, i) => {
    if (!k.ring) return;
    const list = g.lists[i] ?? null;
    ctx.members.set(idOf(i), list === null ? null : list.map((m) => (m < 0 ? 5 - m : idOf(m))));
  });
  return ctx;
}

const anchorId = (a: number | undefined): number | null => (a === undefined || a < 0 ? null : idOf(a));

describe('rowWalks', () => {
  it('possesses and reaches the rows the JavaScript walks do', () => {
    fc.assert(
      fc.property(graph, (g) => {
        const ctx = contextOf(g);
        const byRow = memberRowsByRow(ctx);
        const walks = rowWalksOf(ctx, byRow);
        expect(walks).not.toBeNull();
        const process = { thread: anchorId(g.anchors[0]), process: anchorId(g.anchors[1]), session: anchorId(g.anchors[2]) };
        expect([...possessedRows(ctx, byRow, who, process, walks)]).toEqual([...possessedRows(ctx, byRow, who, process)]);
        const anchors: Anchors = { ...process, user: anchorId(g.anchors[3]), userSession: anchorId(g.anchors[4]), persistent: anchorId(g.anchors[5]) };
        const keyrings = keyringsOf(ctx.table);
        expect([...reachableRows(ctx, keyrings, byRow, anchors, walks)]).toEqual([...reachableRows(ctx, keyrings, byRow, anchors)]);
      }),
      { numRuns: 400 },
    );
  });

  it('stops possessing where the kernel stops searching, as the JavaScript walk does', () => {
    // A chain of searchable keyrings from the session keyring, longer than the kernel's search goes.
    const n = MAX_SEARCHED_DEPTH + 5;
    const g: Graph = {
      keys: Array.from({ length: n }, () => ({ ring: true, perm: 0x3f010000, uid: 1000, gid: 1000, kernelHeld: false })),
      lists: Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [])),
      anchors: [-1, -1, 0, -1, -1, -1],
    };
    const ctx = contextOf(g);
    const byRow = memberRowsByRow(ctx);
    const process = { thread: null, process: null, session: idOf(0) };
    const possessed = possessedRows(ctx, byRow, who, process, rowWalksOf(ctx, byRow));
    expect([...possessed]).toEqual([...possessedRows(ctx, byRow, who, process)]);
    expect(possessed.indexOf(0)).toBe(MAX_SEARCHED_DEPTH + 2);
  });
});
