// The search box: description, type, hex (with or without 0x) or decimal id. `/` or Ctrl+F focus it,
// Escape clears it; Enter and F3 go to the next match, Shift+Enter and Shift+F3 to the previous.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useKb } from '../store';
import { stepMatch } from '../tree/matchOrder';
import { ProcessOnlyToggle } from './ProcessOnlyToggle';
import { counted, formatCount } from '../../../shared/text';

export function SearchBar() {
  const { query, search, filterMatches, view, treeCursor, selectedId } = useKb(
    useShallow((s) => ({
      query: s.query,
      search: s.search,
      filterMatches: s.filterMatches,
      view: s.view,
      treeCursor: s.matchCursor,
      selectedId: s.selectedId,
    })),
  );
  // The tree counts in its drawing order (TreeView); the graph, which has no one order, by id. Counted here
  // in render, not in the store selector, which runs on every store change (every poll).
  const cursor = view === 'tree' ? treeCursor : graphCursor(search?.matches, selectedId);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !typing)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      } else if (e.key === 'F3' && useKb.getState().search) {
        e.preventDefault();
        step(e.shiftKey ? -1 : 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const pending = query.trim() !== '' && search?.query !== query;
  const count = search?.matches.size ?? 0;
  return (
    <div className="searchbar">
      <svg className="search-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <circle cx="7" cy="7" r="4.5" fill="none" strokeWidth="1.6" />
        <path d="m10.5 10.5 3.5 3.5" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      <input
        ref={input}
        type="search"
        role="searchbox"
        aria-label="Search keys"
        placeholder="Search description, type, id (hex or decimal)   /"
        value={query}
        spellCheck={false}
        onChange={(e) => useKb.getState().setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            useKb.getState().setQuery('');
          } else if (e.key === 'Enter' && useKb.getState().search) {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          }
        }}
      />
      <span className="search-count" aria-live="polite">
        {query.trim() === ''
          ? ''
          : pending
            ? 'searching…'
            : count === 0
              ? 'no match'
              : cursor != null
                ? `${formatCount(cursor)} of ${formatCount(count)}`
                : counted(count, 'match', 'matches')}
      </span>
      {/* "Only ☐ matches ☐ this process": two filters under one word, so a 1024 px toolbar keeps its search box. */}
      <div className="filters" role="group" aria-label="Show only">
        <span className="filters-label" aria-hidden="true">
          Only
        </span>
        <label className="toggle" title="Hide keys that do not match instead of dimming them">
          <input type="checkbox" aria-label="Only matches" checked={filterMatches} onChange={(e) => useKb.getState().setFilterMatches(e.target.checked)} />
          matches
        </label>
        <ProcessOnlyToggle />
      </div>
    </div>
  );
}

/** The next or previous match: the tree steps in its own order (TreeView); the graph by id. */
function step(dir: 1 | -1): void {
  const s = useKb.getState();
  if (s.view === 'tree') return s.stepMatch(dir);
  const ids = [...(s.search?.matches ?? [])].sort((a, b) => a - b);
  const to = ids[stepMatch(ids.length, s.selectedId == null ? -1 : ids.indexOf(s.selectedId), dir)];
  if (to != null) s.select(to, null);
}

function graphCursor(matches: ReadonlySet<number> | undefined, selectedId: number | null): number | null {
  if (!matches || selectedId == null || !matches.has(selectedId)) return null;
  return [...matches].filter((id) => id <= selectedId).length;
}
