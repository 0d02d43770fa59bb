// The search box: description, type, hex (with or without 0x) or decimal id. `/` or Ctrl+F focus it,
// Escape clears it.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useKb } from '../store';

export function SearchBar() {
  const { query, search, filterMatches } = useKb(useShallow((s) => ({ query: s.query, search: s.search, filterMatches: s.filterMatches })));
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
      if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !typing)) {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
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
          }
        }}
      />
      <span className="search-count" aria-live="polite">
        {query.trim() === '' ? '' : pending ? 'searching…' : count === 0 ? 'no match' : `${count.toLocaleString()} ${count === 1 ? 'match' : 'matches'}`}
      </span>
      <label className="toggle" title="Hide keys that do not match instead of dimming them">
        <input type="checkbox" checked={filterMatches} onChange={(e) => useKb.getState().setFilterMatches(e.target.checked)} />
        Only matches
      </label>
    </div>
  );
}
