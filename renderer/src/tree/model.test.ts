// A delta that changes no link, name or owner keeps the tree's and the graph's structure: withChangedKeys gives
// the model a full build would give, and the graph keeps its nodes (no new layout) with the new key objects.
import { describe, expect, it } from 'vitest';
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import { fixtureSnapshot } from '../dev/fixture';
import { graphViewModel, type GraphViewChoices } from '../graph/viewModel';
import { buildTreeModel, refreshedFrom, withChangedKeys, type TreeModel } from './model';

const snapshot: Snapshot = fixtureSnapshot();
const keysOf = (list: readonly KeyInfo[]) => new Map(list.map((k) => [k.id, k]));
const build = (keys: ReadonlyMap<number, KeyInfo>) => buildTreeModel(keys, snapshot.anchors, { quotas: snapshot.quotas, uid: snapshot.uid });
const base = keysOf(snapshot.keys);
const linked = snapshot.keys.find((k) => k.type !== 'keyring' && snapshot.keys.some((r) => r.links?.includes(k.id)))!;
const ring = snapshot.keys.find((k) => k.type === 'keyring' && (k.links?.length ?? 0) > 0)!;
const changing = (id: number, change: Partial<KeyInfo>) => new Map([...base].map(([i, k]) => [i, i === id ? { ...k, ...change } : k]));

/** The model's structure, compared as plain data. */
const structure = (m: TreeModel) => ({ ...m, keys: [...m.keys.keys()] });

describe('withChangedKeys', () => {
  const prev = build(base);

  it('keeps the structure for a change of permissions, flags or usage, with the new keys', () => {
    for (const change of [{ perm: linked.perm ^ 0x10000 }, { flags: 'IR-Q---' }, { usage: linked.usage + 1 }, { timeout: '5m' }]) {
      const keys = changing(linked.id, change);
      const next = withChangedKeys(prev, keys);
      expect(next).not.toBeNull();
      expect(next!.keys).toBe(keys);
      expect(structure(next!)).toEqual(structure(build(keys)));
      expect(refreshedFrom(next!)).toBe(prev);
    }
  });

  it('builds anew when links, names, owners or the keys themselves change', () => {
    expect(withChangedKeys(prev, changing(ring.id, { links: ring.links!.slice(1) }))).toBeNull();
    expect(withChangedKeys(prev, changing(linked.id, { description: 'renamed' }))).toBeNull();
    expect(withChangedKeys(prev, changing(linked.id, { uid: linked.uid + 1 }))).toBeNull();
    const fewer = new Map(base);
    fewer.delete(linked.id);
    expect(withChangedKeys(prev, fewer)).toBeNull();
  });

  it("builds anew when a key no visible keyring links changes usage (the krb5 inference cites it)", () => {
    const loose = snapshot.keys.find((k) => !prev.parents.get(k.id)?.length)!;
    expect(withChangedKeys(prev, changing(loose.id, { usage: loose.usage + 1 }))).toBeNull();
  });
});

describe('graphViewModel after withChangedKeys', () => {
  it('keeps the nodes and edges (same structure key: no new layout) and shows each key as it is now', () => {
    const choices: GraphViewChoices = { scope: 'all', openGroups: new Set(), selectedId: null, search: null, filterMatches: false };
    const prev = build(base);
    const before = graphViewModel(prev, choices);
    const keys = changing(linked.id, { perm: linked.perm ^ 0x10000 });
    const after = graphViewModel(withChangedKeys(prev, keys)!, choices);
    const fresh = graphViewModel(build(keys), choices);
    expect(after.structureKey).toBe(before.structureKey);
    expect(after.edges).toBe(before.edges);
    expect(after.nodes.map((n) => n.id)).toEqual(fresh.nodes.map((n) => n.id));
    const shown = after.nodes.find((n) => n.kind === 'key' && n.key.id === linked.id);
    expect(shown?.kind === 'key' ? shown.key : null).toBe(keys.get(linked.id));
    expect(after.byId.get(shown!.id)).toBe(shown);
  });
});
