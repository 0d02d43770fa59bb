// Which keys the graph shows: its scope (this process's keyrings, every keyring, or the neighbourhood
// of one key), narrowed to a search's matches and the keyrings on their paths when "Only matches" is
// on. Pure; null means every key.
import { ANCHOR_ORDER } from '../../../shared/snapshot';
import type { SearchResult } from '../tree/search';
import type { TreeModel } from '../tree/model';

export type GraphScope = 'process' | 'all' | 'neighbourhood';

export const SCOPE_LABELS: Record<GraphScope, string> = {
  process: "This process's keyrings",
  all: 'All keyrings',
  neighbourhood: 'Neighbourhood',
};

export interface SubsetInput {
  scope: GraphScope;
  /** The key whose neighbourhood is shown (the selection); the first anchor when null. */
  focusId: number | null;
  search: SearchResult | null;
  /** "Only matches": hide what the search does not match instead of dimming it. */
  filterMatches: boolean;
}

export function graphSubset(tree: TreeModel, input: SubsetInput): ReadonlySet<number> | null {
  let scope: ReadonlySet<number> | null = null;
  if (input.scope === 'process') scope = tree.reachable.size ? tree.reachable : null;
  else if (input.scope === 'neighbourhood') scope = neighbourhood(tree, input.focusId ?? firstAnchor(tree));
  if (!input.filterMatches || !input.search) return scope;
  const found = new Set<number>();
  for (const set of [input.search.matches, input.search.ancestors]) {
    for (const id of set) if (!scope || scope.has(id)) found.add(id);
  }
  return found;
}

function firstAnchor(tree: TreeModel): number | null {
  for (const name of ANCHOR_ORDER) {
    const a = tree.anchors[name];
    if (a != null && tree.keys.has(a)) return a;
  }
  return null;
}

/**
 * A key, every keyring on a path from a root down to it (so the picture says where it lives), and its
 * own members (so a keyring shows what it holds). Null (every key) when there is no such key.
 */
export function neighbourhood(tree: TreeModel, id: number | null): ReadonlySet<number> | null {
  if (id == null || !tree.keys.has(id)) return null;
  const out = new Set<number>([id]);
  const stack = [id];
  while (stack.length) {
    for (const p of tree.parents.get(stack.pop()!) ?? []) {
      if (out.has(p) || !tree.keys.has(p)) continue;
      out.add(p);
      stack.push(p);
    }
  }
  for (const m of tree.keys.get(id)!.links ?? []) if (tree.keys.has(m)) out.add(m);
  return out;
}
