// A payload typed as text or hex, or read from a file chosen here (the File API reads it in the page;
// the bytes go to the engine as base64). Says why a payload does not fit the key type, next to it.
import { useState } from 'react';
import { checkPayloadSize, parsePayload, type Checked, type PayloadEncoding } from '../../../shared/validate';
import type { AddableKeyType } from '../../../shared/api';
import { Field } from './Modal';

export interface PayloadValue {
  encoding: PayloadEncoding | 'file';
  text: string;
  file: { name: string; bytes: Uint8Array } | null;
}

export const emptyPayload: PayloadValue = { encoding: 'text', text: '', file: null };

export function payloadBytes(value: PayloadValue, type: AddableKeyType): Checked<Uint8Array> {
  const bytes: Checked<Uint8Array> =
    value.encoding === 'file'
      ? value.file
        ? { ok: true, value: value.file.bytes }
        : { ok: false, reason: 'choose a file' }
      : parsePayload(value.text, value.encoding);
  if (!bytes.ok) return bytes;
  const size = checkPayloadSize(type, bytes.value.length);
  return size.ok ? bytes : size;
}

export function PayloadInput({ value, onChange, reason }: { value: PayloadValue; onChange: (v: PayloadValue) => void; reason: string | null }) {
  const [fileError, setFileError] = useState<string | null>(null);
  return (
    <fieldset className="act-payload">
      <legend>Payload</legend>
      <div className="act-radios" role="radiogroup" aria-label="Payload given as">
        {(['text', 'hex', 'file'] as const).map((enc) => (
          <label key={enc}>
            <input type="radio" name="payload-encoding" checked={value.encoding === enc} onChange={() => onChange({ ...value, encoding: enc })} />
            {enc === 'text' ? 'Text (UTF-8)' : enc === 'hex' ? 'Hex' : 'From a file'}
          </label>
        ))}
      </div>
      {value.encoding === 'file' ? (
        <Field label="File" reason={fileError ?? reason}>
          {(p) => (
            <input
              {...p}
              type="file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                setFileError(null);
                file.arrayBuffer().then(
                  (buf) => onChange({ ...value, file: { name: file.name, bytes: new Uint8Array(buf) } }),
                  (err: unknown) => setFileError(`cannot read ${file.name}: ${String(err)}`),
                );
              }}
            />
          )}
        </Field>
      ) : (
        <Field label={value.encoding === 'hex' ? 'Payload (hex)' : 'Payload (text)'} reason={reason}>
          {(p) => (
            <textarea
              {...p}
              rows={3}
              spellCheck={false}
              autoComplete="off"
              value={value.text}
              onChange={(e) => onChange({ ...value, text: e.target.value })}
            />
          )}
        </Field>
      )}
    </fieldset>
  );
}
