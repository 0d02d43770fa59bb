// Picks a keyring: every keyring this process sees, by description and id, the session keyring first.
import type { KeyInfo } from '../../../shared/snapshot';
import { hexId } from '../util/format';
import { cutMiddle } from '../../../shared/text';

export function KeyringSelect({ keyrings, value, onChange, exclude = [], fieldProps }: {
  keyrings: KeyInfo[];
  value: number | null;
  onChange: (id: number) => void;
  exclude?: readonly number[];
  fieldProps: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string };
}) {
  const options = keyrings.filter((r) => !exclude.includes(r.id));
  return (
    <select {...fieldProps} value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))}>
      {value == null && <option value="">choose a keyring…</option>}
      {options.map((r) => (
        <option key={r.id} value={r.id}>
          {cutMiddle(r.description) || '(no description)'} (0x{hexId(r.id)})
        </option>
      ))}
    </select>
  );
}
