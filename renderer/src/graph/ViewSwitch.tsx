// Tree | Graph: a tablist in the toolbar. Keys: `1` shows the tree, `2` the graph (when not typing;
// letters belong to the key actions: t is Set timeout, g Get persistent keyring); ←/→ move between
// the tabs, as the ARIA tabs pattern says.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { useKb } from '../store';
import type { ViewName } from '../store/viewSlice';

export const VIEW_PANEL_ID = 'kb-view-panel';

const TABS: readonly { view: ViewName; label: string; shortcut: string }[] = [
  { view: 'tree', label: 'Tree', shortcut: '1' },
  { view: 'graph', label: 'Graph', shortcut: '2' },
];

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function ViewSwitch() {
  const view = useKb((s) => s.view);
  const refs = useRef<Record<ViewName, HTMLButtonElement | null>>({ tree: null, graph: null });

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const tab = TABS.find((t) => t.shortcut === e.key);
      if (!tab) return;
      e.preventDefault();
      useKb.getState().setView(tab.view);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const i = TABS.findIndex((t) => t.view === view);
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    useKb.getState().setView(next.view);
    refs.current[next.view]?.focus();
  };

  return (
    <div role="tablist" aria-label="View" className="view-switch" onKeyDown={onKeyDown}>
      {TABS.map((t) => (
        <button
          key={t.view}
          ref={(el) => {
            refs.current[t.view] = el;
          }}
          type="button"
          role="tab"
          id={`kb-tab-${t.view}`}
          aria-selected={view === t.view}
          aria-controls={VIEW_PANEL_ID}
          aria-keyshortcuts={t.shortcut}
          tabIndex={view === t.view ? 0 : -1}
          title={`${t.label} view (${t.shortcut})`}
          className={`view-tab${view === t.view ? ' active' : ''}`}
          onClick={() => useKb.getState().setView(t.view)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
