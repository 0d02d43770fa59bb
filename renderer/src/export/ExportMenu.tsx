// The toolbar's Export menu: a picture of the current view (PNG or SVG) or the snapshot as JSON,
// redacted by default ("Redact" on), optionally with uids renumbered too. A menu button with
// menuitemcheckbox/menuitem roles: arrows move, Escape closes and gives focus back to the button.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useKb } from '../store';
import { downloadBlob } from './download';
import { buildExport, type ExportFormat } from './exportView';
import './export.css';

const FORMATS: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'png', label: 'PNG picture', hint: 'The current view as an image' },
  { format: 'svg', label: 'SVG picture', hint: 'The current view as a scalable drawing' },
  { format: 'json', label: 'Snapshot JSON', hint: 'Every visible key, link, pin and quota (never a payload)' },
];

function graphAspect(): number | undefined {
  const r = document.querySelector('.graph-canvas')?.getBoundingClientRect();
  return r && r.width > 0 && r.height > 0 ? r.width / r.height : undefined;
}

export function ExportMenu() {
  const hasSnapshot = useKb((s) => s.meta != null);
  const [open, setOpen] = useState(false);
  const [redact, setRedact] = useState(true);
  const [replaceUids, setReplaceUids] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  }, []);

  // A click anywhere else closes the menu.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) close(false);
    };
    document.addEventListener('pointerdown', onDown);
    menuRef.current?.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    return () => document.removeEventListener('pointerdown', onDown);
  }, [open, close]);

  const run = useCallback(
    async (format: ExportFormat) => {
      close(true);
      setBusy(true);
      setError(null);
      try {
        const file = await buildExport(useKb.getState(), { format, redact, replaceUids }, { aspect: graphAspect() });
        downloadBlob(file.blob, file.filename);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setBusy(false);
      }
    },
    [close, redact, replaceUids],
  );

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]:not([aria-disabled="true"])') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length];
      next?.focus();
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div className="export-menu">
      <button
        ref={buttonRef}
        type="button"
        className="btn export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={!hasSnapshot || busy}
        onClick={() => setOpen((o) => !o)}
        title="Export a picture of the current view, or the snapshot"
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {error && (
        <span className="export-error" role="alert" title={error}>
          Export failed
        </span>
      )}
      {open && (
        <div ref={menuRef} className="export-popup" role="menu" aria-label="Export" onKeyDown={onMenuKey}>
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={redact}
            className="export-item export-check"
            onClick={() => setRedact((v) => !v)}
            title="Descriptions replaced by aliases (user key #3), ids renumbered; kernel keyring names kept"
          >
            <span className="export-tick" aria-hidden="true">{redact ? '✓' : ''}</span>
            Redact
          </button>
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={redact && replaceUids}
            aria-disabled={!redact}
            className="export-item export-check"
            onClick={() => redact && setReplaceUids((v) => !v)}
            title="Also renumber uids and gids (root and nobody stay)"
          >
            <span className="export-tick" aria-hidden="true">{redact && replaceUids ? '✓' : ''}</span>
            Replace uids
          </button>
          <div role="separator" className="export-sep" />
          {FORMATS.map((f) => (
            <button key={f.format} type="button" role="menuitem" className="export-item" title={f.hint} onClick={() => void run(f.format)}>
              <span className="export-tick" aria-hidden="true" />
              {f.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
