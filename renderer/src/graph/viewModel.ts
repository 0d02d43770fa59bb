// The one place that turns the tree model and the view's choices (scope, selection, search, "Only
// matches", opened groups) into the graph model: the graph view draws it and Export draws the same.
import type { SearchResult } from '../tree/search';
import { refreshedFrom, type TreeModel } from '../tree/model';
import type { KeyInfo } from '../../../shared/snapshot';
import { buildBoundedGraphModel, type GraphModel, type GraphNodeItem } from './model';
import { graphSubset, type GraphScope } from './subset';
import { quotaGapOf } from '../users/quotaGapOf';

export interface GraphViewChoices {
  scope: GraphScope;
  openGroups: ReadonlySet<number>;
  selectedId: number | null;
  search: SearchResult | null;
  filterMatches: boolean;
}

/** The last model made, for the next call to reuse when only keys' non-structural fields changed. */
let last: { tree: TreeModel; choices: GraphViewChoices; model: GraphModel } | null = null;

export function graphViewModel(tree: TreeModel, c: GraphViewChoices): GraphModel {
  // The tree's structure is the last one's (tree/model.ts withChangedKeys) and the choices are the same: the
  // same nodes and edges (no new layout), each key node showing its key as it is now, each user node its gap.
  if (last !== null && refreshedFrom(tree) === last.tree && sameChoices(last.choices, c)) {
    last = { tree, choices: c, model: withKeys(last.model, tree.keys) };
    return last.model;
  }
  const include = graphSubset(tree, { scope: c.scope, focusId: c.selectedId, search: c.search, filterMatches: c.filterMatches });
  last = { tree, choices: c, model: buildBoundedGraphModel(tree, { openGroups: c.openGroups, include }) };
  return last.model;
}

function sameChoices(a: GraphViewChoices, b: GraphViewChoices): boolean {
  return a.scope === b.scope && a.openGroups === b.openGroups && a.selectedId === b.selectedId && a.search === b.search && a.filterMatches === b.filterMatches;
}

function withKeys(model: GraphModel, keys: ReadonlyMap<number, KeyInfo>): GraphModel {
  let changed = false;
  const nodes = model.nodes.map((n): GraphNodeItem => {
    if (n.kind === 'user') {
      // A key's payload may have changed what it costs: the user's gap then changes too (the same object while it does not).
      const gap = quotaGapOf(keys, n.group);
      if (gap === n.gap) return n;
      changed = true;
      return { ...n, gap };
    }
    if (n.kind !== 'key') return n;
    const key = keys.get(n.key.id) ?? n.key;
    if (key === n.key) return n;
    changed = true;
    return { ...n, key };
  });
  if (!changed) return model;
  return { ...model, nodes, byId: new Map(nodes.map((n) => [n.id, n])) };
}
