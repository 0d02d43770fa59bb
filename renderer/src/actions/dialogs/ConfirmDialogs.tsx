// The destructive actions: each asks in an alertdialog that says what will happen, and the confirm
// button repeats the action's name. Unlink lets the person pick which link to cut when there are several.
import { useId, useState } from 'react';
import { useApi } from '../../apiContext';
import { useActions } from '../actionsStore';
import { clearWords, invalidateWords, keyLabel, revokeWords, unlinkWords } from '../consequences';
import { DialogButtons, DialogError, Field, Modal, useRunner } from '../Modal';
import { useSelection } from '../useSelection';

type Destructive = 'Unlink' | 'Revoke' | 'Invalidate' | 'Clear';

export function ConfirmDialog({ action }: { action: Destructive }) {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, keys, parents, parentOfRow, parentsOf } = useSelection();
  const [chosenFrom, setFrom] = useState<number | null>(null);
  // The person's choice while it still links the key; else the selected row's keyring; else the first link.
  const from = chosenFrom != null && parents.includes(chosenFrom) ? chosenFrom : (parentOfRow ?? parents[0] ?? null);
  const { busy, error, run } = useRunner();
  const textId = useId();
  if (!k) return null;

  let words: string;
  let call: () => ReturnType<typeof api.revokeKey>;
  switch (action) {
    case 'Unlink':
      if (from == null) {
        words = `No visible keyring links ${keyLabel(keys, k.id)}: there is nothing to unlink it from here.`;
        call = () => Promise.reject(new Error('choose the keyring to unlink it from'));
      } else {
        words = unlinkWords(keys, k.id, parents, from);
        call = () => api.unlinkKey(k.id, from);
      }
      break;
    case 'Revoke':
      words = revokeWords(keys, k.id, parents);
      call = () => api.revokeKey(k.id);
      break;
    case 'Invalidate':
      words = invalidateWords(keys, k.id, parents);
      call = () => api.invalidateKey(k.id);
      break;
    case 'Clear':
      words = clearWords(keys, k, parentsOf);
      call = () => api.clearKeyring(k.id);
      break;
  }
  return (
    <Modal title={`${action} ${k.description || k.type}?`} role="alertdialog" onClose={close} describedBy={textId}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(call);
        }}
      >
        {action === 'Unlink' && parents.length > 1 && (
          <Field label="Unlink from">
            {(p) => (
              <select {...p} value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
                {parents.map((id) => (
                  <option key={id} value={id}>
                    {keyLabel(keys, id)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <p id={textId} className="act-consequence">
          {words}
        </p>
        <DialogError error={error} />
        <DialogButtons confirm={action} busy={busy} onCancel={close} danger />
      </form>
    </Modal>
  );
}
