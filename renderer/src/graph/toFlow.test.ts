import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, FIXTURE_IDS } from '../dev/fixture';
import { buildTreeModel } from '../tree/model';
import type { LayoutResult } from './layout';
import { buildGraphModel, keyNodeId } from './model';
import { pinSummary } from './pinSummary';
import { emptyFlowCache, toFlow } from './toFlow';

const s = fixtureSnapshot(1_000_000);
const modelOf = (keys = s.keys) => buildGraphModel(buildTreeModel(new Map(keys.map((x) => [x.id, x])), s.anchors));

function layoutFor(model: ReturnType<typeof modelOf>): LayoutResult {
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
