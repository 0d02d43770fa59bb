// "This process | All users": which keys the app shows and who reads them, from the capabilities
// (getCapabilities' `view`). In the desktop app it switches (setScope): every user's keys come from the
// privileged helper, which Electron main talks to; when none runs, it says why and offers the command
// that starts one (and pkexec where the app can run it). Where the scope is fixed (serve --all-users,
// --uid N) it shows the scope, disabled, with the reason on hover. A saved file has no scope: nothing shown.
import { useCallback, useEffect, useState } from 'react';
import type { Capabilities, SwitchableScope, ViewInfo } from '../../../shared/api';
import { useApi } from '../apiContext';
import { useActions } from '../actions/actionsStore';
import './scopeSwitch.css';

const CHOICES: readonly { scope: SwitchableScope; label: string }[] = [
  { scope: 'process', label: 'This process' },
  { scope: 'all', label: 'All users' },
];

/** Who reads the keys, in words: "from the helper (root, pid 4242)". */
export function providerText(view: ViewInfo): string {
  const who = view.provider.uid === 0 ? 'root' : `uid ${view.provider.uid}`;
  if (view.provider.kind === 'helper') return `from the helper (${who}, pid ${view.provider.pid})`;
  return `read by ${view.fixed ? 'the server' : 'this app'} (${who}, pid ${view.provider.pid})`;
}

/** The view in words: "All users — from the helper (root, pid 4242)". */
export function describeView(view: ViewInfo): string {
  const scope = view.scope.kind === 'all' ? 'All users' : view.scope.kind === 'uid' ? `uid ${view.scope.uid}` : 'This process';
  return `${scope} — ${providerText(view)}`;
}

export function ScopeSwitch() {
  const api = useApi();
  const [view, setView] = useState<ViewInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const take = useCallback((caps: Capabilities) => {
    setView(caps.view ?? null);
    // The helper may allow other actions than this process (it may run --read-only).
    useActions.getState().setCapabilities(caps);
  }, []);

  useEffect(() => {
    let live = true;
    const ask = () =>
      api.getCapabilities().then(
        (caps) => live && setView(caps.view ?? null),
        () => {},
      );
    void ask();
    // A full snapshot replaces the view (a switch, or the helper going away): ask again who provides it.
    const stop = api.subscribe((event) => {
      if (event.type === 'snapshot') void ask();
    });
    return () => {
      live = false;
      stop();
    };
  }, [api]);

  const run = (call: () => Promise<Capabilities>, wanted: SwitchableScope) => {
    setBusy(true);
    setError(null);
    call()
      .then((caps) => {
        take(caps);
        setHelpOpen(wanted === 'all' && caps.view?.scope.kind !== 'all');
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
      .finally(() => setBusy(false));
  };

  if (!view) return null;
  const current = view.scope.kind === 'process' ? 'process' : 'all';
  const label = describeView(view);
  const hint = view.helper;
  return (
    <div className="scope">
      <div role="group" aria-label="Whose keys" className="view-switch scope-switch" title={view.fixed ?? label}>
        {CHOICES.map((c) => (
          <button
            key={c.scope}
            type="button"
            className={`view-tab ${current === c.scope ? 'active' : ''}`}
            aria-pressed={current === c.scope}
            disabled={busy || view.fixed !== undefined}
            onClick={() => (c.scope === current ? setHelpOpen(c.scope === 'all' && !!hint && current !== 'all') : run(() => api.setScope(c.scope), c.scope))}
          >
            {view.scope.kind === 'uid' && c.scope === 'all' ? `uid ${view.scope.uid}` : c.label}
          </button>
        ))}
      </div>
      {/* The buttons say the scope; beside them, who reads it (the whole sentence on hover and for screen readers). */}
      <span className="scope-provider" data-testid="scope-provider" title={label} aria-label={label}>
        {busy ? 'Connecting…' : providerText(view)}
      </span>
      {helpOpen && hint && (
        <div className="scope-help" role="dialog" aria-label="Start the helper">
          <p>
            <strong>All users needs the privileged helper.</strong> {hint.reason}.
          </p>
          <p>The window never runs as root; a helper started as root reads every user’s keys and serves them to you alone. Run in a terminal:</p>
          <pre className="scope-command">{hint.sudo}</pre>
          <div className="scope-help-buttons">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(hint.sudo).catch(() => {})}>
              Copy command
            </button>
            {hint.pkexec && (
              <button type="button" disabled={busy} onClick={() => run(() => api.startHelper(), 'all')}>
                Start with pkexec…
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => run(() => api.setScope('all'), 'all')}>
              Connect
            </button>
            <button type="button" onClick={() => setHelpOpen(false)}>
              Close
            </button>
          </div>
          {error && <p role="alert">{error}</p>}
        </div>
      )}
      {!helpOpen && error && (
        <span className="scope-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
