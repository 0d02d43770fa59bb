// The window: toolbar with search, the tree and the details side by side, the change log and the
// status bar below. Shows words, not a blank screen, while connecting, on error and when empty.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { KeyringApi } from '../../shared/api';
import { ActionsRoot } from './actions/ActionsRoot';
import { ReadOnlySwitch } from './actions/ReadOnlySwitch';
import { ApiContext } from './apiContext';
import { ChangeLog } from './components/ChangeLog';
import { CompareButton } from './compare/CompareButton';
import { ComparePanel } from './compare/ComparePanel';
import { useCompare } from './compare/compareStore';
import { DetailsPanel } from './components/DetailsPanel';
import { ExportMenu } from './export/ExportMenu';
import { ScopeSwitch } from './components/ScopeSwitch';
import { SearchBar } from './components/SearchBar';
import { StatusBar } from './components/StatusBar';
import { ReplayBar } from './replay/ReplayBar';
import { TreeView } from './components/TreeView';
import { GraphView } from './graph/GraphView';
import { VIEW_PANEL_ID, ViewSwitch } from './graph/ViewSwitch';
import { connectStore } from './store/connect';
import { useKb } from './store';
import { SearchRunner } from './tree/useSearchRunner';

function MainArea() {
  const { connection, error, hasSnapshot, count, view } = useKb(
    useShallow((s) => ({ connection: s.connection, error: s.connectionError, hasSnapshot: s.meta != null, count: s.keys.size, view: s.view })),
  );
  const comparing = useCompare((s) => s.file !== null || s.error !== null);
  if (!hasSnapshot) {
    return (
      <div className="state-message" role={connection === 'error' ? 'alert' : 'status'}>
        {connection === 'error' ? (
          <>
            <h2>Cannot reach the keyring service</h2>
            <p>{error}</p>
            <p className="muted">If you opened this page from <code>keyring-browser serve</code>, check that it is still running and that the URL carries its access token.</p>
          </>
        ) : (
          <>
            <h2>Reading keyrings…</h2>
            <p className="muted">Waiting for the first snapshot.</p>
          </>
        )}
      </div>
    );
  }
  return (
    <main className="main">
      {connection === 'error' && (
        <div className="banner" role="alert">
          Connection lost: {error}. Showing the last known state.
        </div>
      )}
      {count === 0 ? (
        <div className="state-message" role="status">
          <h2>No keys visible</h2>
          <p className="muted">This process sees no keys or keyrings. Keys you add (for example with <code>keyctl add user test secret @s</code>) appear here live.</p>
        </div>
      ) : (
        <div className="split">
          <div className="view-panel" id={VIEW_PANEL_ID} role="tabpanel" aria-labelledby={`kb-tab-${view}`}>
            {view === 'graph' ? <GraphView /> : <TreeView />}
          </div>
          <DetailsPanel />
        </div>
      )}
      {comparing ? <ComparePanel /> : <ChangeLog />}
    </main>
  );
}

/** `onBackToLive`: set while a file opened in the page is shown (Root.tsx): a button goes back to the engine's keys. */
export function App({ api, mode, onBackToLive }: { api: KeyringApi; mode?: string; onBackToLive?: () => void }) {
  useEffect(() => connectStore(api), [api]);
  return (
    <ApiContext.Provider value={api}>
      <SearchRunner />
      <div className="app">
        <header className="toolbar">
          <div className="brand">
            <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true" className="brand-icon">
              <circle cx="8" cy="8" r="5.2" fill="none" strokeWidth="1.8" />
              <circle cx="8" cy="8" r="1.6" />
            </svg>
            <span className="brand-name">Keyring Browser</span>
            {mode && <span className="badge badge-muted">{mode}</span>}
          </div>
          <ViewSwitch />
          <ScopeSwitch />
          <SearchBar />
          {onBackToLive && (
            <button type="button" className="btn" onClick={onBackToLive} title="Close the file and show the keys this app reads from the kernel">
              Back to live keys
            </button>
          )}
          <CompareButton />
          <ExportMenu />
          <ReadOnlySwitch />
        </header>
        <MainArea />
        <ReplayBar />
        <StatusBar />
        <ActionsRoot />
      </div>
    </ApiContext.Provider>
  );
}
