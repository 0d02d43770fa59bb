import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../shared/snapshot';
import { fixtureSnapshot, FIXTURE_IDS } from '../dev/fixture';
import { k, ring, snap } from '../test/keys';
import { buildTreeModel } from '../tree/model';
import {
  buildBoundedGraphModel,
  buildGraphModel,
  FOLD_AT,
  groupBreakdown,
  groupInside,
  groupNodeId,
  groupTitle,
  keyNodeId,
  PROCESS_NODE_ID,
  type GraphModel,
  type GroupNodeItem,
} from './model';

const tree = (keys: KeyInfo[], anchors: Parameters<typeof snap>[1]) => {
  const s = snap(keys, anchors);
  return buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors);
};

function graphOf(keys: KeyInfo[], anchors: Parameters<typeof snap>[1], openGroups?: Set<number>, foldKeyrings = false): GraphModel {
  const s = snap(keys, anchors);
  return buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors), { openGroups, foldKeyrings });
}

const edge = (g: GraphModel, id: string) => g.edges.find((e) => e.id === id);
const node = (g: GraphModel, id: string) => g.byId.get(id);

describe('graph model', () => {
  it('draws keyrings and keys as nodes and each link as an edge keyring → member', () => {
    const g = graphOf([ring(1, '_ses', [2, 3]), k(2, 'a'), ring(3, 'inner', [4]), k(4, 'b')], { session: 1 });
    // Members sorted: keyrings first, then by description.
    expect(g.nodes.map((n) => n.id)).toEqual([PROCESS_NODE_ID, 'k:1', 'k:3', 'k:4', 'k:2']);
    expect(g.edges.filter((e) => e.kind === 'link').map((e) => [e.ring, e.member])).toEqual([[1, 3], [1, 2], [3, 4]]);
    expect(edge(g, 'l:1:2')).toMatchObject({ source: 'k:1', target: 'k:2', shared: false, crossCluster: false });
  });

  it('has a "this process" node pointing at its thread, process and session keyrings, not at the user keyrings', () => {
    const g = graphOf(
      [ring(1, '_tid', []), ring(2, '_pid', []), ring(3, '_ses', [5]), ring(5, '_uid.1000', []), ring(6, '_uid_ses.1000', [5])],
      { thread: 1, process: 2, session: 3, user: 5, userSession: 6 },
    );
    const anchorEdges = g.edges.filter((e) => e.kind === 'anchor');
    expect(anchorEdges.map((e) => [e.anchor, e.target])).toEqual([['thread', 'k:1'], ['process', 'k:2'], ['session', 'k:3']]);
    expect(anchorEdges.every((e) => e.source === PROCESS_NODE_ID)).toBe(true);
    const user = node(g, 'k:5');
    expect(user?.kind === 'key' && user.anchors).toEqual(['user']);
    const userSession = node(g, 'k:6');
    expect(userSession?.kind === 'key' && userSession.anchors).toEqual(['userSession']);
  });

  it('has no process node when the process has no thread, process or session keyring', () => {
    const g = graphOf([ring(5, '_uid.0', [])], { user: 5 });
    expect(node(g, PROCESS_NODE_ID)).toBeUndefined();
    expect(g.edges).toEqual([]);
  });

  it('puts kernel-held keyrings and unreachable keys in their own clusters, and marks links across as cross-cluster', () => {
    const g = graphOf(
      [
        ring(1, '_ses', [5]),
        ring(5, '_uid.1000', []),
        ring(12, '.user_reg', [5]),
        ring(29, '.dns_resolver', [42]),
        k(42, 'afsdb:corp.example', { type: 'dns_resolver' }),
        k(77, 'tmux:token', { orphan: true }),
      ],
      { session: 1, user: 5 },
    );
    expect(node(g, 'k:1')?.cluster).toBe('process');
    expect(node(g, 'k:5')?.cluster).toBe('process');
    expect(node(g, 'k:12')?.cluster).toBe('kernel');
    expect(node(g, 'k:29')?.cluster).toBe('kernel');
    expect(node(g, 'k:42')?.cluster).toBe('kernel');
    expect(node(g, 'k:77')?.cluster).toBe('orphan');
    expect(edge(g, 'l:12:5')?.crossCluster).toBe(true);
    expect(edge(g, 'l:29:42')?.crossCluster).toBe(false);
  });

  it('marks every link to a key with several parents as shared', () => {
    const g = graphOf([ring(1, '_ses', [2, 3, 9]), ring(2, 'a', [9]), ring(3, 'b', [4]), k(4, 'x'), k(9, 'cert')], { session: 1 });
    expect(edge(g, 'l:1:9')?.shared).toBe(true);
    expect(edge(g, 'l:2:9')?.shared).toBe(true);
    expect(edge(g, 'l:3:4')?.shared).toBe(false);
    const cert = node(g, 'k:9');
    expect(cert?.kind === 'key' && cert.shared).toBe(true);
  });

  it('folds the private leaf keys of a keyring with 50 or more members into one group node, keyrings only when asked', () => {
    const leaves = Array.from({ length: 60 }, (_, i) => k(100 + i, `bench:${i}`));
    const members = [...leaves.map((x) => x.id), 50, 9];
    const keys = [ring(1, '_ses', [2, 9]), ring(2, 'big', members), ring(50, 'sub', [51]), k(51, 'in-sub'), k(9, 'shared-leaf'), ...leaves];
    const leavesOnly = graphOf(keys, { session: 1 });
    expect((node(leavesOnly, groupNodeId(2)) as GroupNodeItem).memberIds).toEqual(leaves.map((x) => x.id));
    expect(groupTitle(node(leavesOnly, groupNodeId(2)) as GroupNodeItem)).toBe('60 user keys');
    expect(node(leavesOnly, 'k:50')).toBeDefined();
    expect(node(leavesOnly, 'k:51')).toBeDefined();

    const g = graphOf(keys, { session: 1 }, undefined, true);
    const group = node(g, groupNodeId(2)) as GroupNodeItem;
    expect(group.kind).toBe('group');
    // The private keyring folds too, with what hangs only below it.
    expect(group.memberIds).toEqual([...leaves.map((x) => x.id), 50]);
    expect(group.innerIds).toHaveLength(62);
    expect(groupTitle(group)).toBe('61 keys');
    expect(groupBreakdown(group)).toBe('60 user · 1 keyring');
    expect(groupInside(group)).toBe('+ 1 key inside');
    expect(g.nodeOfKey.get(51)).toBe(groupNodeId(2));
    // Shared leaves stay visible on their own.
    expect(node(g, 'k:9')).toBeDefined();
    expect(node(g, 'k:50')).toBeUndefined();
    expect(node(g, 'k:100')).toBeUndefined();
    expect(g.nodeOfKey.get(100)).toBe(groupNodeId(2));
    expect(g.edges.filter((e) => e.kind === 'group')).toEqual([expect.objectContaining({ source: 'k:2', target: groupNodeId(2) })]);
    expect(g.edges.some((e) => e.id === 'l:2:100')).toBe(false);

    const open = graphOf(keys, { session: 1 }, new Set([2]), true);
    expect(node(open, groupNodeId(2))).toBeUndefined();
    expect(node(open, 'k:100')).toBeDefined();
    expect(node(open, 'k:51')).toBeDefined();
    expect(edge(open, 'l:2:159')).toBeDefined();
    expect(open.structureKey).not.toBe(g.structureKey);
  });

  it('folds a keyring of exactly 50 members, not one of 49', () => {
    const build = (n: number) => {
      const leaves = Array.from({ length: n }, (_, i) => k(100 + i, `k${i}`));
      return graphOf([ring(1, '_ses', [2]), ring(2, 'ring', leaves.map((x) => x.id)), ...leaves], { session: 1 });
    };
    expect(build(50).nodes.map((n) => n.id)).toEqual([PROCESS_NODE_ID, 'k:1', 'k:2', groupNodeId(2)]);
    expect(build(49).nodes.some((n) => n.kind === 'group')).toBe(false);
    expect(build(49).nodes).toHaveLength(52);
  });

  it('never folds an anchor, and names a group of keyrings as such', () => {
    const rings = Array.from({ length: 60 }, (_, i) => ring(100 + i, `r${i}`, []));
    const g = graphOf([ring(1, '_ses', [5, ...rings.map((r) => r.id)]), ring(5, '_uid.0', []), ...rings], { session: 1, user: 5 }, undefined, true);
    expect(node(g, 'k:5')).toBeDefined();
    const group = node(g, groupNodeId(1)) as GroupNodeItem;
    expect(groupTitle(group)).toBe('60 keyrings');
    expect(group.memberIds).not.toContain(5);
  });

  it('sorts members keyrings first, then by description with numbers in order', () => {
    const g = graphOf([ring(1, '_ses', [2, 3, 4, 5]), k(2, 'key10'), k(3, 'key9'), ring(4, 'zeta', []), k(5, 'Alpha')], { session: 1 });
    expect(g.nodes.map((n) => n.id)).toEqual([PROCESS_NODE_ID, 'k:1', 'k:4', 'k:5', 'k:3', 'k:2']);
  });

  it('shows only the keys it is asked to, and the links among them', () => {
    const keys = [ring(1, '_ses', [2, 3]), ring(2, 'a', [4]), ring(3, 'b', []), k(4, 'x')];
    const g = buildGraphModel(tree(keys, { session: 1 }), { include: new Set([1, 2, 4]) });
    expect(g.nodes.map((n) => n.id)).toEqual([PROCESS_NODE_ID, 'k:1', 'k:2', 'k:4']);
    expect(g.edges.map((e) => e.id)).toEqual(['a:session', 'l:1:2', 'l:2:4']);
    expect(g.keysAsked).toBe(3);
  });

  describe('within a node budget', () => {
    // 40 keyrings of 50 keys under the session: 2,042 nodes unfolded.
    const big = () => {
      const keys: KeyInfo[] = [];
      const rings: number[] = [];
      let id = 1000;
      for (let r = 0; r < 40; r++) {
        const ringId = id++;
        const members = Array.from({ length: 50 }, () => id++);
        rings.push(ringId);
        keys.push(ring(ringId, `ring${r}`, members), ...members.map((m) => k(m, `key${m}`)));
      }
      keys.push(ring(1, '_ses', rings));
      return tree(keys, { session: 1 });
    };

    it('folds at 50 when that fits', () => {
      const g = buildBoundedGraphModel(big(), { maxNodes: 100 });
      expect(g.foldAt).toBe(FOLD_AT);
      expect(g.nodes).toHaveLength(2 + 40 + 40);
      expect(g.keysCut).toBe(0);
      expect(g.nodeOfKey.size).toBe(g.keysAsked);
    });

    it('folds leaf keys earlier when 50 does not fit', () => {
      const keys: KeyInfo[] = [ring(1, '_ses', Array.from({ length: 10 }, (_, r) => 100 + r))];
      for (let r = 0; r < 10; r++) {
        const members = Array.from({ length: 30 }, (_, i) => 1000 + r * 100 + i);
        keys.push(ring(100 + r, `ring${r}`, members), ...members.map((m) => k(m, `key${m}`)));
      }
      const g = buildBoundedGraphModel(tree(keys, { session: 1 }), { maxNodes: 100 });
      expect([g.foldAt, g.foldKeyrings]).toEqual([20, false]);
      expect(g.nodes).toHaveLength(2 + 10 + 10);
      expect(g.nodeOfKey.size).toBe(g.keysAsked);
    });

    it('folds member keyrings too when folding leaves does not fit', () => {
      const g = buildBoundedGraphModel(big(), { maxNodes: 60 });
      expect([g.foldAt, g.foldKeyrings]).toEqual([20, true]);
      expect(g.nodes.length).toBeLessThanOrEqual(60);
      expect(g.nodeOfKey.size).toBe(g.keysAsked);
      expect(groupInside(g.byId.get(groupNodeId(1)) as GroupNodeItem)).toBe('+ 2,000 keys inside');
    });

    it('cuts the deepest nodes when no folding fits (groups the user opened), and says how many keys', () => {
      const t = big();
      const opened = new Set([1, ...Array.from({ length: 40 }, (_, r) => 1000 + r * 51)]);
      const g = buildBoundedGraphModel(t, { maxNodes: 500, openGroups: opened });
      expect(g.nodes).toHaveLength(500);
      expect(g.keysCut).toBe(g.keysAsked - g.nodeOfKey.size);
      expect(g.keysCut).toBeGreaterThan(1500);
      // The roots and the keyrings stay; the cut falls on the leaves.
      for (let r = 0; r < 40; r++) expect(g.byId.has(keyNodeId(1000 + r * 51))).toBe(true);
      for (const e of g.edges) expect(g.byId.has(e.source) && g.byId.has(e.target)).toBe(true);
    });
  });

  it('keeps its structure key across changes that are not structural (usage, flags, expiry, pins)', () => {
    const base = fixtureSnapshot(1_000_000);
    const build = (keys: KeyInfo[]) => buildGraphModel(buildTreeModel(new Map(keys.map((x) => [x.id, x])), base.anchors));
    const before = build(base.keys);
    const ticked = base.keys.map((x) =>
      x.id === FIXTURE_IDS.sharedCert ? { ...x, usage: x.usage + 1, flags: 'IR-Q---', pins: [] } : x.id === FIXTURE_IDS.sudoTicket ? { ...x, timeout: '3m', expiry: { from: 5000, to: 5000 } } : x,
    );
    const after = build(ticked);
    expect(after.structureKey).toBe(before.structureKey);
    const cert = after.byId.get(keyNodeId(FIXTURE_IDS.sharedCert));
    expect(cert?.kind === 'key' && cert.key.flags).toBe('IR-Q---');

    const linked = base.keys.map((x) => (x.id === FIXTURE_IDS.projectX ? { ...x, links: (x.links ?? []).slice(1) } : x));
    expect(build(linked).structureKey).not.toBe(before.structureKey);
  });

  it('lays the fixture out as a reader expects: anchors labelled, kernel-held keyrings apart, hidden members counted', () => {
    const s = fixtureSnapshot(1_000_000);
    const g = buildGraphModel(buildTreeModel(new Map(s.keys.map((x) => [x.id, x])), s.anchors));
    const ses = g.byId.get(keyNodeId(FIXTURE_IDS.session));
    expect(ses?.kind === 'key' && ses.anchors).toEqual(['session']);
    expect(g.byId.get(keyNodeId(FIXTURE_IDS.userReg))?.cluster).toBe('kernel');
    expect(g.byId.get(keyNodeId(FIXTURE_IDS.persistentRegister))?.cluster).toBe('kernel');
    expect(g.byId.get(keyNodeId(FIXTURE_IDS.orphanToken))?.cluster).toBe('orphan');
    expect(g.byId.get(keyNodeId(FIXTURE_IDS.persistent))?.cluster).toBe('process');
    expect(g.edges.filter((e) => e.shared).map((e) => e.member)).toEqual(
      expect.arrayContaining([FIXTURE_IDS.user, FIXTURE_IDS.sharedCert]),
    );
  });
});
