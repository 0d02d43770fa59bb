// What the Export menu does: takes the store's current snapshot, redacts it (by default), and makes
// the chosen file from the redacted data only: the snapshot JSON, or a picture of the current view
// (tree: the rows shown now; graph: the same model and layout as on screen). Nothing here reads
// the DOM's text or the actions' payload store.
import { buildRedaction, identityRedaction, type Redaction } from '../../../shared/redact';
import type { Snapshot } from '../../../shared/snapshot';
import { snapshotFileText } from '../../../shared/snapshotFile';
import type { LayoutRequest, LayoutResult } from '../graph/layout';
import { requestLayout } from '../graph/layoutClient';
import { graphScopeOf, useGraphState } from '../graph/graphState';
import { layoutRequestOf } from '../graph/useGraphLayout';
import { graphViewModel } from '../graph/viewModel';
import type { KbState } from '../store';
import { flattenTree } from '../tree/flatten';
import { selectShownModel } from '../tree/useTreeRows';
import { fileStamp } from './download';
import { buildGraphSvg } from './graphPicture';
import { svgToPng } from './png';
import { buildTreeSvg } from './treePicture';

export type ExportFormat = 'png' | 'svg' | 'json';

export interface ExportChoice {
  format: ExportFormat;
  /** Descriptions aliased, ids renumbered (the default). */
  redact: boolean;
  /** With redact: uids and gids renumbered too. */
  replaceUids: boolean;
}

export interface ExportFile {
  blob: Blob;
  filename: string;
}

type StoreView = Pick<KbState, 'keys' | 'meta' | 'view' | 'expansion' | 'searchExpansion' | 'search' | 'filterMatches' | 'selectedId' | 'processOnly' | 'treeSort'>;

export interface ExportDeps {
  layout?: (req: LayoutRequest) => Promise<LayoutResult>;
  openGroups?: ReadonlySet<number>;
  /** Width / height of the graph pane, so the picture's layout matches the screen's. */
  aspect?: number;
  svgToPng?: (svg: string) => Promise<Blob>;
  now?: number;
}

/**
 * The store's state as a Snapshot (the same shape the CLI's `snapshot` prints); with "This process only",
 * only the keys this process reaches (every member of such a keyring is one of them: no link dangles).
 */
export function currentSnapshot(s: Pick<KbState, 'keys' | 'meta'> & Partial<Pick<KbState, 'processOnly'>>): Snapshot | null {
  if (!s.meta) return null;
  const { takenAt, uid, gid, groups, anchors, quotas, scope } = s.meta;
  const keys = s.processOnly ? selectShownModel({ ...s, processOnly: true })!.keys : s.keys;
  return { takenAt, uid, gid, groups, anchors, keys: [...keys.values()], quotas, ...(scope ? { scope } : {}) };
}

export function redactionFor(snapshot: Snapshot, choice: Pick<ExportChoice, 'redact' | 'replaceUids'>): Redaction {
  return choice.redact ? buildRedaction(snapshot, { uids: choice.replaceUids ? 'replace' : 'keep' }) : identityRedaction(snapshot);
}

/** SVG of the tree rows shown now. */
export function treeSvgOf(s: StoreView, r: Redaction): string {
  const model = selectShownModel(s);
  const rows = model
    ? flattenTree(model, { expansion: s.search ? s.searchExpansion : s.expansion, search: s.search, filter: s.filterMatches, sort: s.treeSort })
    : [];
  return buildTreeSvg(rows, r);
}

let nextLayoutId = -1000;

/** SVG of the graph as laid out for the screen (the layout is deterministic: same input, same picture). */
export async function graphSvgOf(s: StoreView, r: Redaction, deps: ExportDeps = {}): Promise<string> {
  const tree = selectShownModel(s);
  if (!tree) throw new Error('no snapshot yet');
  const graph = useGraphState.getState();
  const model = graphViewModel(tree, {
    openGroups: deps.openGroups ?? graph.openGroups,
    scope: graphScopeOf(graph.scope, s.meta?.scope, s.processOnly),
    selectedId: s.selectedId,
    search: s.search,
    filterMatches: s.filterMatches,
  });
  const layout = await (deps.layout ?? requestLayout)(layoutRequestOf(model, nextLayoutId--, deps.aspect));
  if (layout.error) throw new Error(`graph layout failed: ${layout.error}`);
  const svg = buildGraphSvg(model, layout, r, s.meta?.uid ?? null);
  if (!svg) throw new Error('the graph has nothing to draw');
  return svg;
}

export async function buildExport(s: StoreView, choice: ExportChoice, deps: ExportDeps = {}): Promise<ExportFile> {
  const snapshot = currentSnapshot(s);
  if (!snapshot) throw new Error('no snapshot yet');
  const r = redactionFor(snapshot, choice);
  const stamp = fileStamp(deps.now ?? Date.now());
  if (choice.format === 'json') {
    return { blob: new Blob([snapshotFileText(r.snapshot, 2)], { type: 'application/json' }), filename: `keyrings-${stamp}.json` };
  }
  const svg = s.view === 'graph' ? await graphSvgOf(s, r, deps) : treeSvgOf(s, r);
  const base = `keyrings-${s.view}-${stamp}`;
  if (choice.format === 'svg') return { blob: new Blob([svg], { type: 'image/svg+xml' }), filename: `${base}.svg` };
  return { blob: await (deps.svgToPng ?? svgToPng)(svg), filename: `${base}.png` };
}
