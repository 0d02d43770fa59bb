import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, FIXTURE_IDS } from '../dev/fixture';
import { buildTreeModel } from '../tree/model';
import type { LayoutResult } from './layout';
import type { QuotaInfo } from '../../../shared/snapshot';
import { noAnchors, ring } from '../test/keys';
import { buildGraphModel, keyNodeId, userNodeId, type GraphModel, type UserNodeItem } from './model';
import { pinSummary } from './pinSummary';
import { emptyFlowCache, toFlow } from './toFlow';

const s = fixtureSnapshot(1_000_000);
const modelOf = (keys = s.keys) => buildGraphModel(buildTreeModel(new Map(keys.map((x) => [x.id, x])), s.anchors));

function layoutFor(model: GraphModel): LayoutResult {
  const positions: Record<string, [number, number]> = {};
  model.nodes.forEach((n, i) => (positions[n.id] = [i * 10, i * 50]));
  return { id: 1, positions, boxes: [{ cluster: 'kernel', x: 0, y: 2000, width: 300, height: 200 }], ms: 1 };
}

describe('toFlow', () => {
  it('reuses node and edge objects that did not change, so a usage tick touches one node', () => {
    const m1 = modelOf();
    const layout = layoutFor(m1);
    const first = toFlow(m1, layout, 1000, emptyFlowCache());
    const ticked = s.keys.map((k) => (k.id === FIXTURE_IDS.sharedCert ? { ...k, usage: k.usage + 1 } : k));
    const m2 = modelOf(ticked);
    expect(m2.structureKey).toBe(m1.structureKey);
    const second = toFlow(m2, layout, 1000, first.cache);
    const changed = second.nodes.filter((n, i) => n !== first.nodes[i]).map((n) => n.id);
    expect(changed).toEqual([keyNodeId(FIXTURE_IDS.sharedCert)]);
    expect(second.edges.every((e, i) => e === first.edges[i])).toBe(true);
  });

  it("redraws a user node when the bytes no visible key accounts for change what it shows, not otherwise", () => {
    // carol: two keyrings costing 9 + 1 + 4 and 9 + 1 + 0 bytes; ci-tokens' payload grows by 4 bytes (a member) below.
    const quota: QuotaInfo = { uid: 4303, name: 'carol', usage: 2, nkeys: 2, nikeys: 2, qnkeys: 2, maxkeys: 200, qnbytes: 12_024, maxbytes: 20_000 };
    const carol = (qnbytes: number, ciTokens = 0) => {
      const keys = [ring(50, '_uid.4303', [51], { uid: 4303, payloadLength: 4 }), ring(51, 'ci-tokens', [], { uid: 4303, payloadLength: ciTokens })];
      const tree = buildTreeModel(new Map(keys.map((x) => [x.id, x])), noAnchors, { quotas: [{ ...quota, qnbytes }], uid: 0, scope: { kind: 'all' } });
      return buildGraphModel(tree);
    };
    const userNode = (m: GraphModel) => m.byId.get(userNodeId(4303)) as UserNodeItem;
    // One quota object for both models, as a poll that leaves /proc/key-users alone keeps it.
    const sameQuota = (m: GraphModel, from: GraphModel): GraphModel => {
      const u = userNode(m);
      const nodes = m.nodes.map((n) => (n === u ? { ...u, group: userNode(from).group } : n));
      return { ...m, nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
    };
    const redrawn = (a: GraphModel, b: GraphModel) => {
      const first = toFlow(a, layoutFor(a), 0, emptyFlowCache());
      const second = toFlow(b, layoutFor(a), 0, first.cache);
      return second.nodes.find((n) => n.id === userNodeId(4303)) !== first.nodes.find((n) => n.id === userNodeId(4303));
    };

    const material = carol(12_024);
    expect(userNode(material).gap).toMatchObject({ unaccounted: 12_000, material: true });
    // 4 bytes fewer unaccounted: a new hatch and a new sentence.
    const grown = sameQuota(carol(12_024, 4), material);
    expect(userNode(grown).gap).toMatchObject({ unaccounted: 11_996, material: true });
    expect(redrawn(material, grown)).toBe(true);
    // The same charges from new key objects: the same node.
    expect(redrawn(material, sameQuota(carol(12_024), material))).toBe(false);

    // 2 bytes, then 0 unaccounted: neither is material, the node shows nothing of either.
    const small = carol(26);
    expect(userNode(small).gap).toMatchObject({ unaccounted: 2, material: false });
    const accounted = sameQuota(carol(26, 4), small);
    expect(userNode(accounted).gap).toMatchObject({ unaccounted: 0, material: false });
    expect(redrawn(small, accounted)).toBe(false);
  });

  it('hides nodes the current layout does not place yet, and draws the cluster boxes first', () => {
    const m = modelOf();
    const layout = layoutFor(m);
    delete layout.positions[keyNodeId(FIXTURE_IDS.sudoTicket)];
    const { nodes } = toFlow(m, layout, 1000, emptyFlowCache());
    expect(nodes[0]).toMatchObject({ id: 'box:kernel', type: 'cluster', zIndex: -1 });
    expect(nodes.find((n) => n.id === keyNodeId(FIXTURE_IDS.sudoTicket))?.hidden).toBe(true);
    expect(nodes.find((n) => n.id === keyNodeId(FIXTURE_IDS.session))?.hidden).toBe(false);
  });
});

describe('pinSummary', () => {
  it('counts links and credential references, names the timer, and says when nothing is left', () => {
    expect(pinSummary(undefined)).toBeNull();
    expect(pinSummary([{ kind: 'link', from: 1 }, { kind: 'link', from: 2 }, { kind: 'credentials', count: 1 }])?.short).toBe('2 links · 1 cred');
    expect(pinSummary([{ kind: 'link', from: 1 }, { kind: 'timer' }])?.short).toBe('1 link · timer');
    expect(pinSummary([{ kind: 'link', from: 1 }, { kind: 'timer' }], true)?.short).toBe('1 link');
    expect(pinSummary([{ kind: 'user', uid: 0, processes: 3 }])?.short).toBe('user');
    expect(pinSummary([])).toMatchObject({ short: 'no pins', count: 0 });
  });
});
