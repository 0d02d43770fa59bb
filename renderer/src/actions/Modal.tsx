// The pieces every action dialog is made of: a modal (role dialog, or alertdialog to confirm), a
// labelled field with its reason beside it, and a runner that shows the kernel's refusal in words
// inside the dialog and closes it, reporting the outcome, when the action worked.
import { revealKeyWhenSeen } from '../tree/reveal';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ActionOutcome } from '../../../shared/api';
import { useActions } from './actionsStore';
import { cutMiddle, SHORT_TEXT } from '../../../shared/text';
import { actingAsText, actingRefusal, actingRights, actingUid } from '../../../shared/actingUser';
import { useKb } from '../store';
import { useShallow } from 'zustand/react/shallow';

export function Modal({
  title,
  role = 'dialog',
  onClose,
  children,
  describedBy,
}: {
  title: string;
  role?: 'dialog' | 'alertdialog';
  onClose: () => void;
  children: ReactNode;
  describedBy?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // A title names the key: one of 4,095 bytes is cut (the whole of it is in the details panel and the tooltip).
  const shown = cutMiddle(title, SHORT_TEXT + 24);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    // A confirmation starts on Cancel, so a stray Enter never destroys anything; a form starts on its first field.
    const first = ref.current?.querySelector<HTMLElement>(
      role === 'alertdialog' ? '[data-close]' : '[data-autofocus], input, select, textarea, button:not([data-close])',
    );
    first?.focus();
    return () => previous?.focus?.();
  }, [role]);
  return (
    <div className="act-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="act-modal"
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        onKeyDown={(e) => {
          // Escape closes the dialog only: the search box's Escape must not see it.
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
          e.stopPropagation(); // keep the app's shortcuts out of the dialog's fields
        }}
      >
        <h2 id={titleId} className="act-title" title={shown === title ? undefined : title}>
          {shown}
        </h2>
        <ActingAs />
        {children}
      </div>
    </div>
  );
}

/**
 * In an all-users view, an action on a key only another user's view lists runs with that user's credentials
 * (shared/actingUser.ts, the engine's own rule): every action dialog says so, naming the user.
 */
function ActingAs() {
  const acting = useKb(
    useShallow((s) => {
      const key = s.selectedId != null ? s.keys.get(s.selectedId) : undefined;
      const uid = actingUid(key);
      return uid === null || !key ? null : { key, uid, text: actingAsText(uid, s.identity?.users ?? {}), keys: s.keys };
    }),
  );
  const action = useActions((s) => s.dialog?.action ?? null);
  if (!acting || !action) return null;
  const rights = actingRights(acting.keys, acting.key, acting.uid);
  const refusal = actingRefusal(rights, acting.key, action);
  const holding =
    rights.userKeyring === null
      ? ' It possesses nothing: the scan saw no user keyring of this user.'
      : ` Like a login of that user, it possesses what _uid.${acting.uid} holds: a thread of the app links it into a session keyring of its own for this action and drops it after (nothing of the user’s is changed).`;
  return (
    <>
      <p className="act-acting-as" data-testid="acting-as">
        Runs {acting.text}: that user’s permissions decide, not this app’s.{holding}
      </p>
      {refusal && (
        <p className="act-reason" role="note" data-testid="acting-refusal">
          {refusal}
        </p>
      )}
    </>
  );
}

/** A labelled input with its validation reason next to it (and wired to it for screen readers). */
export function Field({ label, reason, children, hint }: { label: string; reason?: string | null; hint?: string; children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  const reasonId = `${id}-reason`;
  return (
    <div className="act-field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!reason, 'aria-describedby': reason ? reasonId : undefined })}
      {reason ? (
        <span className="act-reason" id={reasonId}>
          {reason}
        </span>
      ) : hint ? (
        <span className="act-hint">{hint}</span>
      ) : null}
    </div>
  );
}

/** Runs one action: busy while it runs; its refusal stays in the dialog; its outcome closes it. */
export function useRunner() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (call: () => Promise<ActionOutcome | null>, options: { keepOpen?: boolean } = {}): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const outcome = await call();
      if (outcome) useActions.getState().report({ ok: true, message: outcome.message, keyId: outcome.keyId });
      // The key it made (or found) becomes the selection, so the person sees what happened.
      if (outcome?.keyId != null) revealKeyWhenSeen(outcome.keyId);
      if (!options.keepOpen) useActions.getState().close();
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}

export function DialogError({ error }: { error: string | null }) {
  return error ? (
    <p className="act-error" role="alert">
      {error}
    </p>
  ) : null;
}

export function DialogButtons({ confirm, busy, onCancel, danger }: { confirm: string; busy: boolean; onCancel: () => void; danger?: boolean }) {
  return (
    <div className="act-buttons">
      <button type="button" data-close onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className={danger ? 'act-danger' : 'act-primary'} disabled={busy}>
        {confirm}
      </button>
    </div>
  );
}
