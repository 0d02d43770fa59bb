// "This process only": hides what this process does not reach from its anchors (kernel-held keyrings,
// other sessions' keyrings, other users' keys) in the tree, search, the graph and exports. The status bar
// says how many keys it hides (KeyCount), so a filtered view never passes for the whole one.
import { useMemo } from 'react';
import { useKb } from '../store';
import { keysOutsideProcess } from '../tree/processOnly';
import { useTreeModel } from '../tree/useTreeRows';
import { formatCount } from '../../../shared/text';

export const PROCESS_ONLY_TITLE =
  "This process only: show only the keys this process reaches from its thread, process, session and user keyrings. Kernel-held keyrings, other sessions' keyrings and other users' keys leave the tree, search, the graph and exports";

/** How many keys "This process only" hides now (0 when it is off). */
function useHiddenByProcessOnly(): number {
  const on = useKb((s) => s.processOnly);
  const model = useTreeModel();
  return useMemo(() => (on && model ? keysOutsideProcess(model) : 0), [on, model]);
}

export function ProcessOnlyToggle() {
  const on = useKb((s) => s.processOnly);
  return (
    <label className="toggle" title={PROCESS_ONLY_TITLE}>
      <input type="checkbox" aria-label="This process only" checked={on} onChange={(e) => useKb.getState().setProcessOnly(e.target.checked)} />
      this process
    </label>
  );
}

/** The status bar's key count: "26 keys", or "19 of 26 keys shown" while "This process only" hides some. */
export function KeyCount({ count }: { count: number }) {
  const hidden = useHiddenByProcessOnly();
  if (hidden === 0) return <span>{formatCount(count)} keys</span>;
  return (
    <span className="key-count-filtered" data-process-only-hidden={hidden} title={`${formatCount(hidden)} hidden by "This process only" (in the toolbar)`}>
      {formatCount(count - hidden)} of {formatCount(count)} keys shown: this process only
    </span>
  );
}
