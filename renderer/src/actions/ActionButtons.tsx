// The details panel's actions for the selected key: one button per action (accessible names are the
// action names), the last outcome or refusal in words, and the payload once read.
import { useShallow } from 'zustand/react/shallow';
import type { KeyInfo } from '../../../shared/snapshot';
import { useApi } from '../apiContext';
import { isSavedFile, useKb } from '../store';
import { canAct, useActions } from './actionsStore';
import { ACTIONS, refusedOnKey } from './catalog';
import { PayloadViewer } from './PayloadViewer';
import { startAction } from './startAction';

export function ActionButtons({ k, linkedFrom }: { k: KeyInfo; linkedFrom: number }) {
  const api = useApi();
  const { enabled, outcome, allowed } = useActions(useShallow((s) => ({ enabled: canAct(s), outcome: s.outcome, allowed: s.actionsAllowed })));
  const savedFile = useKb(isSavedFile);
  if (savedFile) return null;
  const why = allowed === false ? 'This connection is read-only' : 'Read-only: switch it off in the toolbar to change keys';
  return (
    <section className="act-section" aria-label="Actions">
      <h3>Actions</h3>
      <div className="act-toolbar" role="toolbar" aria-label="Key actions">
        {ACTIONS.filter((a) => a.appliesTo(k, linkedFrom)).map((a) => {
          const refused = refusedOnKey(a, k);
          const off = (a.changes && !enabled) || refused != null;
          return (
            <button
              key={a.name}
              type="button"
              className={a.destructive ? 'act-danger-outline' : undefined}
              disabled={off}
              title={refused ?? (off ? why : `${a.name} (${a.keyLabel})`)}
              onClick={() => startAction(api, a.name)}
            >
              {a.name}
            </button>
          );
        })}
      </div>
      {outcome && (
        <p className={outcome.ok ? 'act-outcome' : 'act-error'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.message}
        </p>
      )}
      <PayloadViewer key={k.id} keyId={k.id} />
    </section>
  );
}
