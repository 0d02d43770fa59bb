// The one place that turns the tree model and the view's choices (scope, selection, search, "Only
// matches", opened groups) into the graph model: the graph view draws it and Export draws the same.
import type { SearchResult } from '../tree/search';
import type { TreeModel } from '../tree/model';
import { buildBoundedGraphModel, type GraphModel } from './model';
import { graphSubset, type GraphScope } from './subset';

export interface GraphViewChoices {
  scope: GraphScope;
  openGroups: ReadonlySet<number>;
  selectedId: number | null;
  search: SearchResult | null;
  filterMatches: boolean;
}

export function graphViewModel(tree: TreeModel, c: GraphViewChoices): GraphModel {
  const include = graphSubset(tree, { scope: c.scope, focusId: c.selectedId, search: c.search, filterMatches: c.filterMatches });
  return buildBoundedGraphModel(tree, { openGroups: c.openGroups, include });
}
