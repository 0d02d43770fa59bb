// The read-only switch: on by default; off only where the connection allows actions (Electron's IPC
// or `serve --allow-actions`), and then only by the user's choice.
import { useShallow } from 'zustand/react/shallow';
import { isSavedFile, useKb } from '../store';
import { useActions } from './actionsStore';

export function ReadOnlySwitch() {
  const { readOnly, allowed, setReadOnly } = useActions(useShallow((s) => ({ readOnly: s.readOnly, allowed: s.actionsAllowed, setReadOnly: s.setReadOnly })));
  // A saved file has no kernel behind it: there is nothing to switch.
  const savedFile = useKb(isSavedFile);
  if (savedFile) return null;
  const title =
    allowed === false
      ? 'This connection does not allow changes (serve was started without --allow-actions)'
      : readOnly
        ? 'Switch off to add, change and remove keys'
        : 'Changes are allowed: switch on to protect the keys';
  return (
    <label className={`act-switch ${readOnly ? '' : 'act-switch-live'}`} title={title}>
      <input
        type="checkbox"
        role="switch"
        aria-checked={readOnly}
        checked={readOnly}
        disabled={allowed !== true}
        onChange={(e) => setReadOnly(e.target.checked)}
      />
      Read-only
      <span className="act-switch-state" aria-hidden="true">
        {allowed === false ? '(server)' : readOnly ? 'on' : 'off: changes allowed'}
      </span>
    </label>
  );
}
