// A delta that changes no link, name or owner keeps the tree's and the graph's structure: withChangedKeys gives
// the model a full build would give, and the graph keeps its nodes (no new layout) with the new key objects.
import { describe, expect, it } from 'vitest';
import type { KeyInfo, Snapshot } from '../../../shared/snapshot';
import { fixtureSnapshot } from '../dev/fixture';
import { graphViewModel, type GraphViewChoices } from '../graph/viewModel';
import { ring as keyring } from '../test/keys';
import { buildTreeModel, completeSections, onSectionsReady, refreshedFrom, sectionsReady, withChangedKeys, type TreeModel } from './model';

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

describe('graphViewModel, a user node after withChangedKeys', () => {
  it("gives it the gap the key's new payload leaves, and keeps it while the gap stays", () => {
    const choices: GraphViewChoices = { scope: 'all', openGroups: new Set(), selectedId: null, search: null, filterMatches: false };
    // carol's two keyrings cost 9 + 1 + 4 and 9 + 1 + 0 bytes of the 12,024 charged.
    const quotas = [{ uid: 4303, name: 'carol', usage: 2, nkeys: 2, nikeys: 2, qnkeys: 2, maxkeys: 200, qnbytes: 12_024, maxbytes: 20_000 }];
    const carol = [
      keyring(50, '_uid.4303', [51], { uid: 4303, payloadLength: 4 }),
      keyring(51, 'ci-tokens', [], { uid: 4303, payloadLength: 0 }),
    ];
    const keys = keysOf(carol);
    const prev = buildTreeModel(keys, snapshot.anchors, { quotas, uid: 0, scope: { kind: 'all' } });
    const userNode = (m: ReturnType<typeof graphViewModel>) => m.byId.get('u:4303');
    const before = graphViewModel(prev, choices);
    expect(userNode(before)).toMatchObject({ gap: { unaccounted: 12_000, material: true } });
    // A usage tick: the same node.
    const ticked = withChangedKeys(prev, new Map([...keys].map(([i, k]) => [i, i === 51 ? { ...k, usage: k.usage + 1 } : k])))!;
    expect(userNode(graphViewModel(ticked, choices))).toBe(userNode(before));
    // ci-tokens' payload states a member more (4 bytes): no new structure, but 4 bytes fewer unaccounted.
    const grown = withChangedKeys(ticked, new Map([...ticked.keys].map(([i, k]) => [i, i === 51 ? { ...k, payloadLength: 4 } : k])))!;
    const after = graphViewModel(grown, choices);
    expect(after.structureKey).toBe(before.structureKey);
    expect(userNode(after)).toMatchObject({ gap: { unaccounted: 11_996, material: true } });
  });
});

describe('the sections below the anchors', () => {
  const sectionsOf = (m: TreeModel) => ({ reachable: [...m.reachable], kernelRoots: m.kernelRoots, orphanRoots: m.orphanRoots, users: m.users });

  it('are worked out on the first read of any of them, all together, as completeSections works them out', async () => {
    for (const field of ['reachable', 'kernelRoots', 'orphanRoots', 'users'] as const) {
      const m = build(base);
      expect(sectionsReady(m)).toBe(false);
      let told = 0;
      onSectionsReady(m, () => told++);
      void m[field];
      expect(sectionsReady(m)).toBe(true);
      expect(sectionsOf(m)).toEqual(sectionsOf(completeSections(build(base))));
      // Told once, after the read (in a microtask: the read may be in some component's render).
      expect(told).toBe(0);
      await Promise.resolve();
      expect(told).toBe(1);
    }
    const m = build(base);
    expect(m.users.length).toBeGreaterThan(0);
    expect(m.kernelRoots.length + m.orphanRoots.length).toBeGreaterThan(0);
  });

  it('of a model made by withChangedKeys from one not yet worked out: its own, worked out when read', () => {
    const prev = build(base);
    const keys = changing(linked.id, { perm: linked.perm ^ 0x10000 });
    const next = withChangedKeys(prev, keys)!;
    expect(sectionsReady(next)).toBe(false);
    expect(structure(next)).toEqual(structure(build(keys)));
    expect(sectionsReady(next) && sectionsReady(prev)).toBe(true);
  });
});
