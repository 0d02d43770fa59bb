// Over the graph: what it shows (this process's keyrings, all, or the selection's neighbourhood) and
// how much of it (nodes drawn, keys they stand for, how far it is folded, what the node budget cut);
// and while the worker lays it out, a status line with a way out: "Show the neighbourhood instead".
import { useKb } from '../store';
import { cancelLayouts } from './layoutClient';
import { GraphLegend } from './GraphLegend';
import { useGraphScope, useGraphState } from './graphState';
import type { GraphModel } from './model';
import { FOLD_AT, MAX_GRAPH_NODES } from './model';
import { SCOPE_LABELS, type GraphScope } from './subset';
import type { LayoutSource } from './useGraphLayout';
import { counted, formatCount } from '../../../shared/text';

const SCOPES: readonly GraphScope[] = ['process', 'all', 'neighbourhood'];

const SCOPE_TITLES: Record<GraphScope, string> = {
  process: "The keyrings this process reaches from its thread, process, session and user keyrings",
  all: 'Every keyring and key this process may view, with kernel-held keyrings and unreachable keys apart',
  neighbourhood: 'The selected key, the keyrings on its paths from the roots, and its own members',
};

/** How far the node budget had to fold (nothing when the usual folding fit). */
function foldNote(model: GraphModel): string {
  if (model.foldAt === FOLD_AT && !model.foldKeyrings) return '';
  return ` · to fit ${formatCount(MAX_GRAPH_NODES)} nodes, keyrings of ${model.foldAt}+ members folded${model.foldKeyrings ? ', member keyrings too' : ''}`;
}

export function GraphToolbar({ model }: { model: GraphModel }) {
  const scope = useGraphScope();
  const filtered = useKb((s) => s.filterMatches && s.search != null);
  // "This process only" (the toolbar's) leaves nothing but this process's keyrings: All keyrings would show the same.
  const processOnly = useKb((s) => s.processOnly);
  const keyNodes = model.nodeOfKey.size;
  return (
    <div className="graph-toolbar" role="toolbar" aria-label="Graph">
      <div className="graph-scope" role="group" aria-label="Show">
        {SCOPES.map((sc) => (
          <button
            key={sc}
            type="button"
            className={sc === scope ? 'on' : ''}
            aria-pressed={sc === scope}
            disabled={processOnly && sc === 'all'}
            title={processOnly && sc === 'all' ? `${SCOPE_TITLES[sc]}. Off while "This process only" is on.` : SCOPE_TITLES[sc]}
            onClick={() => useGraphState.getState().setScope(sc)}
          >
            {SCOPE_LABELS[sc]}
          </button>
        ))}
      </div>
      <span className="graph-summary" data-graph-summary="">
        {counted(model.nodes.length, 'node')} for {formatCount(keyNodes)} of {formatCount(model.keysAsked)} keys
        {filtered ? ' (matches only)' : ''}
        {foldNote(model)}
      </span>
      <GraphLegend />
      {model.keysCut > 0 && (
        <span className="graph-cut" role="note">
          {formatCount(model.keysCut)} keys not drawn: search with Only matches, or show the neighbourhood of a key
        </span>
      )}
    </div>
  );
}

export function GraphStatus({
  model,
  pending,
  source,
  error,
}: {
  model: GraphModel;
  pending: boolean;
  source: LayoutSource | null;
  error: string | null;
}) {
  const scope = useGraphScope();
  if (error) {
    return (
      <div className="graph-status error" role="status">
        Layout failed ({error}); a quick arrangement is shown.
      </div>
    );
  }
  if (!model.nodes.length) {
    return (
      <div className="graph-status" role="status">
        Nothing to draw{useKb.getState().filterMatches ? ': no key matches here' : ''}.
      </div>
    );
  }
  if (!pending) return null;
  return (
    <div className="graph-status" role="status">
      {source === 'quick'
        ? `Laying out ${formatCount(model.nodes.length)} nodes… (a quick arrangement meanwhile)`
        : 'Updating layout…'}
      {scope !== 'neighbourhood' && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            cancelLayouts();
            useGraphState.getState().setScope('neighbourhood');
          }}
        >
          Cancel: show the neighbourhood of the selection
        </button>
      )}
    </div>
  );
}
