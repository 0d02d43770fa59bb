// The payload the user asked to read, for the selected key only: masked until revealed, as text or
// hex, with a copy button. It lives in the actions store (never the snapshot store), and is zeroed
// and dropped as soon as the selection changes (actionsStore.dropPayloadOnSelectionChange).
import { Fragment, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { decodeKeyPayload } from '../../../shared/krb5Payload';
import { bytesToHex } from '../../../shared/validate';
import { useKb } from '../store';
import { keyRoleIn } from '../tree/roles';
import { useActions } from './actionsStore';

export function PayloadViewer({ keyId }: { keyId: number }) {
  const payload = useActions((s) => (s.payload?.id === keyId ? s.payload : null));
  const drop = useActions((s) => s.dropPayload);
  const [revealed, setRevealed] = useState(false);
  const [view, setView] = useState<'text' | 'hex'>('text');
  const [copied, setCopied] = useState<string | null>(null);
  const role = useKb(useShallow((s) => keyRoleIn(s, keyId)));
  if (!payload) return null;
  // Kerberos keys: their meaning (principals, times, flags; never a session key), beside the masked bytes.
  const decoded = 'id' in role ? decodeKeyPayload(role.id, payload.bytes) : null;
  const shown = view === 'hex' ? bytesToHex(payload.bytes) : new TextDecoder('utf-8', { fatal: false }).decode(payload.bytes);
  return (
    <section className="act-payload-viewer" aria-label="Payload">
      <h3>
        Payload <span className="muted">({payload.bytes.length} bytes)</span>
      </h3>
      {decoded && (
        <div className="payload-decoded" aria-label="Decoded payload">
          <h4>{decoded.title}</h4>
          <dl className="fields">
            {decoded.fields.map(([label, value]) => (
              <Fragment key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </Fragment>
            ))}
          </dl>
        </div>
      )}
      <div className="act-radios" role="radiogroup" aria-label="Show payload as">
        {(['text', 'hex'] as const).map((v) => (
          <label key={v}>
            <input type="radio" name="payload-view" checked={view === v} onChange={() => setView(v)} /> {v === 'text' ? 'Text' : 'Hex'}
          </label>
        ))}
      </div>
      <pre className="act-payload-text" data-testid="payload-value">
        {revealed ? shown : '•'.repeat(Math.min(24, Math.max(8, payload.bytes.length)))}
      </pre>
      <div className="act-buttons">
        <button type="button" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(shown).then(
              () => setCopied('Copied to the clipboard.'),
              (e: unknown) => setCopied(`Cannot copy: ${e instanceof Error ? e.message : String(e)}`),
            )
          }
        >
          Copy
        </button>
        <button type="button" onClick={drop}>
          Forget payload
        </button>
      </div>
      {copied && <p role="status" className="muted">{copied}</p>}
    </section>
  );
}
