// Starts an action from a button, a menu item or a shortcut: Read payload runs at once; the others open
// their dialog. While read-only, an action that changes keys is refused with the reason, never silently.
import type { KeyringApi } from '../../../shared/api';
import { base64ToBytes } from '../../../shared/validate';
import { useKb } from '../store';
import { canAct, useActions, type ActionName } from './actionsStore';
import { ACTIONS, refusedOnKey } from './catalog';

export function startAction(api: KeyringApi, name: ActionName, target?: number): void {
  const actions = useActions.getState();
  const spec = ACTIONS.find((a) => a.name === name);
  if (spec?.changes && !canAct(actions)) {
    actions.report({
      ok: false,
      message:
        actions.actionsAllowed === false
          ? `${name}: this connection is read-only (start serve with --allow-actions to change keys).`
          : `${name}: the app is read-only. Switch “Read-only” off in the toolbar first.`,
    });
    return;
  }
  if (spec) {
    const kb = useKb.getState();
    const refused = refusedOnKey(spec, kb.selectedId != null ? kb.keys.get(kb.selectedId) : undefined);
    if (refused) return void actions.report({ ok: false, message: refused });
  }
  if (name === 'Read payload') return void readPayload(api);
  actions.open(name, target);
}

async function readPayload(api: KeyringApi): Promise<void> {
  const id = useKb.getState().selectedId;
  if (id == null) return;
  const actions = useActions.getState();
  try {
    const read = await api.readPayload(id);
    const bytes = base64ToBytes(read.base64);
    // The user may have moved on while it was read: then it is not shown at all.
    if (!bytes.ok || useKb.getState().selectedId !== id) return;
    actions.holdPayload({ id, bytes: bytes.value });
    actions.report({ ok: true, message: `Read ${read.length} bytes. Shown masked: press Reveal to see them.` });
  } catch (e) {
    actions.report({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
}
