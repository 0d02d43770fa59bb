// Set permissions: a matrix of checkboxes (possessor/user/group/other × view…setattr) and the hex
// mask, kept in step both ways as the person edits. A mask that takes view or setattr away from this
// process asks to confirm first, saying so.
import { useState } from 'react';
import { classBits, formatPermHex, PERM_BITS, PERM_CLASSES, PERM_NAMES, withClassBits } from '../../../../shared/perm';
import { parsePerm } from '../../../../shared/validate';
import { useApi } from '../../apiContext';
import { useActions } from '../actionsStore';
import { permLossWords } from '../consequences';
import { DialogButtons, DialogError, Field, Modal, useRunner } from '../Modal';
import { useSelection } from '../useSelection';

export function PermDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, observer } = useSelection();
  const [text, setText] = useState(k ? formatPermHex(k.perm) : '');
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k || !observer) return null;
  const mask = parsePerm(text);
  const loss = mask.ok ? permLossWords(k, observer, mask.value) : null;
  const toggle = (cls: (typeof PERM_CLASSES)[number], bit: number) => {
    if (!mask.ok) return;
    setText(formatPermHex(withClassBits(mask.value, cls, classBits(mask.value, cls) ^ bit)));
  };
  const apply = () => mask.ok && void run(() => api.setKeyPerm(k.id, mask.value));

  if (confirming && loss) {
    return (
      <Modal title="Set permissions?" role="alertdialog" onClose={() => setConfirming(false)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          <p className="act-consequence">{loss}</p>
          <DialogError error={error} />
          <DialogButtons confirm="Set permissions" busy={busy} onCancel={() => setConfirming(false)} danger />
        </form>
      </Modal>
    );
  }
  return (
    <Modal title={`Set permissions of ${k.description}`} onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!mask.ok) return;
          if (loss) setConfirming(true);
          else apply();
        }}
      >
        <table className="perm-matrix act-perm-editor">
          <thead>
            <tr>
              <th scope="col" />
              {PERM_NAMES.map((n) => (
                <th scope="col" key={n}>
                  {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PERM_CLASSES.map((cls) => (
              <tr key={cls}>
                <th scope="row">{cls}</th>
                {PERM_NAMES.map((n) => (
                  <td key={n}>
                    <input
                      type="checkbox"
                      aria-label={`${cls} ${n}`}
                      disabled={!mask.ok}
                      checked={mask.ok && (classBits(mask.value, cls) & PERM_BITS[n]) !== 0}
                      onChange={() => toggle(cls, PERM_BITS[n])}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <Field label="Mask (hex)" reason={mask.ok ? null : mask.reason}>
          {(p) => <input {...p} className="mono" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />}
        </Field>
        {loss && (
          <p className="act-warning" role="alert">
            {loss}
          </p>
        )}
        <DialogError error={error} />
        {/* Locking yourself out is the danger here: the confirm button says so in red. */}
        <DialogButtons confirm="Set permissions" busy={busy} onCancel={close} danger={loss != null} />
      </form>
    </Modal>
  );
}
