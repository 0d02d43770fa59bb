// View slice: selection, keyboard focus, expansion and search. Expansion is by row id (a path), so
// each place a shared key appears opens on its own; while a search is active a separate expansion
// map is used, so searching never disturbs the tree the user had opened by hand.
import type { StateCreator } from 'zustand';
import { parseSort, sortText, type TreeSort } from '../tree/keyOrder';
import type { SearchResult } from '../tree/search';
import type { KbState } from './index';

export type ViewName = 'tree' | 'graph';

/** `?view=graph` opens the graph first (screenshots, the bench); the tree otherwise. */
function initialView(): ViewName {
  if (typeof window === 'undefined') return 'tree';
  return new URLSearchParams(window.location.search).get('view') === 'graph' ? 'graph' : 'tree';
}

const DECIMAL_IDS_KEY = 'keyring-browser.decimalIds';
const PROCESS_ONLY_KEY = 'keyring-browser.processOnly';
const TREE_SORT_KEY = 'keyring-browser.treeSort';

/** A remembered choice (localStorage); null where there is none or no storage (tests, a refused store). */
function remembered(key: string): string | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage.getItem(key);
  } catch {
    return null;
  }
}

function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // a choice that cannot be kept still applies now
  }
}

export interface ViewSlice {
  /** Which view of the keys the main area shows. */
  view: ViewName;
  selectedId: number | null;
  /** A user node of the Users section chosen instead of a key: the details panel shows its quota. */
  selectedUser: number | null;
  /** The row that shows the selection (a shared key has several). */
  selectedRowId: string | null;
  /** The row holding the roving tabindex. */
  focusedRowId: string | null;
  /** Bumped to ask the tree to scroll `focusedRowId` into view (and focus it when `focus` is set). */
  scrollRequest: { tick: number; focus: boolean };
  expansion: ReadonlyMap<string, boolean>;
  searchExpansion: ReadonlyMap<string, boolean>;
  /** What is typed in the search box. */
  query: string;
  /** The result of the last completed search (debounced, computed off the render path). */
  search: SearchResult | null;
  /** Hide non-matching rows instead of dimming them. */
  filterMatches: boolean;
  /** A decimal id column beside the hex one (keyctl takes either); remembered across sessions. */
  decimalIds: boolean;
  /**
   * "This process only": the tree, search, the graph and exports show only what this process reaches from
   * its anchors (tree/processOnly.ts); remembered across sessions.
   */
  processOnly: boolean;
  /** The tree's order within each keyring: a column, or the kernel's; remembered across sessions. */
  treeSort: TreeSort;
  /** Bumped to ask the view to move to the next (1) or previous (-1) match (Enter/F3, Shift+Enter/Shift+F3). */
  matchStep: { tick: number; dir: 1 | -1 };
  /** Which match is current, 1-based, as the view counts them ("3 of 5"); null when none is. */
  matchCursor: number | null;

  select(id: number | null, rowId?: string | null): void;
  /** Chooses a user node (clearing the key selection); null clears it. */
  selectUser(uid: number | null): void;
  /** Moves the roving tabindex; `scroll` brings the row into view, `focus` also moves DOM focus to it. */
  setFocusedRow(rowId: string | null, scroll?: boolean, focus?: boolean): void;
  setExpanded(rowId: string, open: boolean): void;
  /** Opens every row in `rowIds` (and their section), selects the last and scrolls to it. */
  revealPath(rowIds: readonly string[], sectionRowId: string, keyId: number): void;
  setQuery(query: string): void;
  setSearch(result: SearchResult | null): void;
  setFilterMatches(on: boolean): void;
  stepMatch(dir: 1 | -1): void;
  setDecimalIds(on: boolean): void;
  setProcessOnly(on: boolean): void;
  setTreeSort(sort: TreeSort): void;
  setMatchCursor(cursor: number | null): void;
  setView(view: ViewName): void;
}

export const createViewSlice: StateCreator<KbState, [], [], ViewSlice> = (set) => ({
  view: initialView(),
  selectedId: null,
  selectedUser: null,
  selectedRowId: null,
  focusedRowId: null,
  scrollRequest: { tick: 0, focus: false },
  expansion: new Map(),
  searchExpansion: new Map(),
  query: '',
  search: null,
  filterMatches: false,
  matchStep: { tick: 0, dir: 1 },
  decimalIds: remembered(DECIMAL_IDS_KEY) === '1',
  processOnly: remembered(PROCESS_ONLY_KEY) === '1',
  treeSort: parseSort(remembered(TREE_SORT_KEY)),
  matchCursor: null,

  select: (id, rowId = null) => set({ selectedId: id, selectedRowId: rowId, selectedUser: null }),
  selectUser: (uid) => set({ selectedUser: uid, selectedId: null, selectedRowId: null }),
  setFocusedRow: (rowId, scroll = false, focus = scroll) =>
    set((s) => ({ focusedRowId: rowId, scrollRequest: scroll ? { tick: s.scrollRequest.tick + 1, focus } : s.scrollRequest })),
  setExpanded: (rowId, open) =>
    set((s) =>
      s.search
        ? { searchExpansion: new Map(s.searchExpansion).set(rowId, open) }
        : { expansion: new Map(s.expansion).set(rowId, open) },
    ),
  revealPath: (rowIds, sectionRowId, keyId) =>
    set((s) => {
      const field = s.search ? 'searchExpansion' : 'expansion';
      const next = new Map(s[field]);
      next.set(sectionRowId, true);
      for (const r of rowIds.slice(0, -1)) next.set(r, true);
      const rowId = rowIds[rowIds.length - 1] ?? null;
      return {
        [field]: next,
        selectedId: keyId,
        selectedUser: null,
        selectedRowId: rowId,
        focusedRowId: rowId,
        scrollRequest: { tick: s.scrollRequest.tick + 1, focus: false },
      };
    }),
  setQuery: (query) => set({ query }),
  setSearch: (search) =>
    set((s) => ({ search, searchExpansion: search?.query === s.search?.query ? s.searchExpansion : new Map() })),
  setFilterMatches: (filterMatches) => set({ filterMatches }),
  setDecimalIds: (decimalIds) => {
    remember(DECIMAL_IDS_KEY, decimalIds ? '1' : '0');
    set({ decimalIds });
  },
  setProcessOnly: (processOnly) => {
    remember(PROCESS_ONLY_KEY, processOnly ? '1' : '0');
    set({ processOnly });
  },
  setTreeSort: (treeSort) => {
    remember(TREE_SORT_KEY, sortText(treeSort));
    set({ treeSort });
  },
  stepMatch: (dir) => set((s) => ({ matchStep: { tick: s.matchStep.tick + 1, dir } })),
  setMatchCursor: (matchCursor) => set((s) => (s.matchCursor === matchCursor ? s : { matchCursor })),
  setView: (view) => set({ view }),
});
