// The read-only switch: on by default; off only where the connection allows actions (Electron's IPC
// or `serve --allow-actions`), and then only by the user's choice. The switch itself lives on the
// engine's side of the connection (electron/service/dispatch.ts): this asks it to move and shows where
// it is, so a page that skips the switch still cannot act, and the desktop app can ask the person first.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../apiContext';
import { isSavedFile, useKb } from '../store';
import { useActions } from './actionsStore';

export function ReadOnlySwitch() {
  const api = useApi();
  const { readOnly, allowed, setCapabilities, report } = useActions(
    useShallow((s) => ({ readOnly: s.readOnly, allowed: s.actionsAllowed, setCapabilities: s.setCapabilities, report: s.report })),
  );
  const [asking, setAsking] = useState(false);
  // A saved file has no kernel behind it: there is nothing to switch.
  const savedFile = useKb(isSavedFile);
  if (savedFile) return null;
  const title =
    allowed === false
      ? 'This connection does not allow changes (serve was started without --allow-actions)'
      : readOnly
        ? 'Switch off to add, change and remove keys'
        : 'Changes are allowed: switch on to protect the keys';
  const flip = (wanted: boolean) => {
    setAsking(true);
    api.setReadOnly(wanted).then(
      (c) => setCapabilities(c),
      (err: unknown) => report({ ok: false, message: `The read-only switch did not move: ${err instanceof Error ? err.message : String(err)}` }),
    ).finally(() => setAsking(false));
  };
  return (
    <label className={`act-switch ${readOnly ? '' : 'act-switch-live'}`} title={title}>
      <input
        type="checkbox"
        role="switch"
        aria-checked={readOnly}
        checked={readOnly}
        disabled={allowed !== true || asking}
        onChange={(e) => flip(e.target.checked)}
      />
      Read-only
      <span className="act-switch-state" aria-hidden="true">
        {/* Short: "off: changes allowed" pushed the switch onto a second toolbar row at 1400 px. Off is red
            (act-switch-live) and its tooltip says changes are allowed. */}
        {allowed === false ? '(server)' : asking ? 'asking…' : readOnly ? 'on' : 'off'}
      </span>
    </label>
  );
}
