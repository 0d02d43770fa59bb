// "Copy hex" / "Copy decimal" beside a key's id: administrators paste ids into keyctl, which takes either.
import { useEffect, useState } from 'react';
import { copyText, idForKeyctl } from '../util/copyText';

export function CopyId({ id }: { id: number }) {
  const [said, setSaid] = useState<string | null>(null);
  useEffect(() => {
    if (!said) return;
    const t = setTimeout(() => setSaid(null), 1500);
    return () => clearTimeout(t);
  }, [said]);
  useEffect(() => setSaid(null), [id]);
  const copy = (base: 'hex' | 'decimal') => {
    const text = idForKeyctl(id, base);
    copyText(text).then(
      () => setSaid(`copied ${text}`),
      (err: unknown) => setSaid(`not copied: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  return (
    <span className="copy-id">
      <button type="button" className="btn btn-small" onClick={() => copy('hex')} title={`Copy ${idForKeyctl(id, 'hex')} (keyctl takes it as is)`}>
        Copy hex
      </button>
      <button type="button" className="btn btn-small" onClick={() => copy('decimal')} title={`Copy ${idForKeyctl(id, 'decimal')}`}>
        Copy decimal
      </button>
      <span className="muted" aria-live="polite">
        {said}
      </span>
    </span>
  );
}
