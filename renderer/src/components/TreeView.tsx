// The keyring tree: a flat, virtualized list of rows (only what is on screen is in the DOM) with the
// ARIA tree pattern and a roving tabindex. Keys: ↑/↓ move, → opens or enters, ← closes or goes to the
// parent, Home/End, Enter/Space select. The column heads above it sort each keyring's members (tree/keyOrder.ts).
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Observer } from '../../../shared/perm';
import { useKb } from '../store';
import type { FlatRow, TreeRows } from '../tree/flatten';
import { currentMatch, stepMatch } from '../tree/matchOrder';
import { roleOf } from '../tree/roles';
import { useTreeModel, useTreeRows } from '../tree/useTreeRows';
import { KERNEL_ORDER, nextSort, type SortColumn } from '../tree/keyOrder';
import { notifyRowsDrawn } from '../bench';
import { DEV_TOOLS } from '../dev/buildMode';
import { ROW_HEIGHT, TreeRow } from './TreeRow';
import { useRowWindow } from './useRowWindow';

function isOpenable(row: FlatRow): boolean {
  return row.kind === 'section' || ((row.kind === 'key' || row.kind === 'user') && row.expandable);
}
function isOpen(row: FlatRow): boolean {
  return (row.kind === 'section' || row.kind === 'key' || row.kind === 'user') && row.expanded;
}
/** The key of the row with id `rowId`, if it is a key's row. */
function focusedKeyId(rows: TreeRows, rowId: string | null): number | null {
  const i = rowId ? rows.indexOfRowId(rowId) : -1;
  const row = i >= 0 ? rows.at(i) : null;
  return row?.kind === 'key' ? row.key.id : null;
}

export function TreeView() {
  const rows = useTreeRows();
  // The rows' roles come from the whole model (as the details panel's), whatever the view filters.
  const model = useTreeModel();
  const { selectedId, selectedUser, focusedRowId, scrollRequest, uid, gid, groups, highlights, decimalIds } = useKb(
    useShallow((s) => ({
      highlights: s.highlights,
      decimalIds: s.decimalIds,
      selectedId: s.selectedId,
      selectedUser: s.selectedUser,
      focusedRowId: s.focusedRowId,
      scrollRequest: s.scrollRequest,
      uid: s.meta?.uid,
      gid: s.meta?.gid,
      groups: s.meta?.groups,
    })),
  );
  const observer = useMemo<Observer | null>(
    () => (uid == null || gid == null ? null : { uid, gid, groups: groups ?? [] }),
    [uid, gid, groups],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  // Only the rows on screen and 12 more each side are in the DOM.
  const { first, last, totalHeight, scrollToIndex } = useRowWindow(scrollRef, rows.length, ROW_HEIGHT, 12);

  const focusedIndex = useMemo(() => {
    const i = focusedRowId ? rows.indexOfRowId(focusedRowId) : -1;
    return i >= 0 ? i : 0;
  }, [rows, focusedRowId]);

  // Scroll (and focus) on request: keyboard moves, "reveal" from the details panel or search.
  const lastTick = useRef(0);
  useEffect(() => {
    if (scrollRequest.tick === lastTick.current) return;
    lastTick.current = scrollRequest.tick;
    const id = useKb.getState().focusedRowId;
    const idx = id ? rowsRef.current.indexOfRowId(id) : -1;
    if (idx < 0) return;
    scrollToIndex(idx);
    if (scrollRequest.focus) {
      requestAnimationFrame(() => {
        const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${idx}"]`);
        el?.focus({ preventScroll: true });
      });
    }
  }, [scrollRequest, rows, scrollToIndex]);

  useEffect(() => {
    if (DEV_TOOLS) notifyRowsDrawn(rows);
  }, [rows]);

  // A new search result brings its first match into view (without taking focus from the search box).
  const search = useKb((s) => s.search);
  const lastQuery = useRef<string | null>(null);
  useEffect(() => {
    const q = search?.query ?? null;
    if (q === lastQuery.current) return;
    lastQuery.current = q;
    const first = q == null ? undefined : rowsRef.current.matches.rowIndex[0];
    if (first !== undefined) useKb.getState().setFocusedRow(rowsRef.current.at(first).rowId, true, false);
  }, [search]);

  // Enter/F3 in search: the next match, in the order the tree draws them; the search bar shows "3 of 5".
  const matchStepRequest = useKb((s) => s.matchStep);
  const lastStep = useRef(matchStepRequest.tick);
  useEffect(() => {
    if (matchStepRequest.tick === lastStep.current) return;
    lastStep.current = matchStepRequest.tick;
    const s = useKb.getState();
    const list = rowsRef.current;
    const order = list.matches;
    const current = currentMatch(order, s.selectedId, focusedKeyId(list, s.focusedRowId));
    const stop = order.rowIndex[stepMatch(order.rowIndex.length, current, matchStepRequest.dir)];
    if (stop === undefined) return;
    const to = list.at(stop);
    if (to.kind !== 'key') return;
    s.select(to.key.id, to.rowId);
    s.setFocusedRow(to.rowId, true, false);
  }, [matchStepRequest]);
  useEffect(() => {
    const s = useKb.getState();
    if (!search) return s.setMatchCursor(null);
    const i = currentMatch(rows.matches, selectedId, focusedKeyId(rows, focusedRowId));
    s.setMatchCursor(i >= 0 ? i + 1 : null);
  }, [rows, search, selectedId, focusedRowId]);

  const onToggle = useCallback((row: FlatRow) => {
    if (isOpenable(row)) useKb.getState().setExpanded(row.rowId, !isOpen(row));
  }, []);

  const onActivate = useCallback((row: FlatRow) => {
    const s = useKb.getState();
    s.setFocusedRow(row.rowId);
    if (row.kind === 'key') s.select(row.key.id, row.rowId);
    else if (row.kind === 'user') s.selectUser(row.group.uid);
    else if (row.kind === 'section') s.setExpanded(row.rowId, !row.expanded);
  }, []);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const list = rowsRef.current;
      if (!list.length) return;
      const cur = list.at(Math.min(focusedIndex, list.length - 1));
      const s = useKb.getState();
      const moveTo = (i: number) => {
        const r = list.at(Math.max(0, Math.min(list.length - 1, i)));
        s.setFocusedRow(r.rowId, true);
      };
      switch (e.key) {
        case 'ArrowDown':
          moveTo(focusedIndex + 1);
          break;
        case 'ArrowUp':
          moveTo(focusedIndex - 1);
          break;
        case 'Home':
          moveTo(0);
          break;
        case 'End':
          moveTo(list.length - 1);
          break;
        case 'PageDown':
          moveTo(focusedIndex + Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1));
          break;
        case 'PageUp':
          moveTo(focusedIndex - Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1));
          break;
        case 'ArrowRight':
          if (isOpenable(cur) && !isOpen(cur)) s.setExpanded(cur.rowId, true);
          else if (isOpen(cur) && focusedIndex + 1 < list.length && list.depthAt(focusedIndex + 1) > cur.depth) moveTo(focusedIndex + 1);
          break;
        case 'ArrowLeft':
          if (isOpen(cur)) s.setExpanded(cur.rowId, false);
          else {
            for (let i = focusedIndex - 1; i >= 0; i--) {
              if (list.depthAt(i) < cur.depth) {
                moveTo(i);
                break;
              }
            }
          }
          break;
        case 'Enter':
        case ' ':
          onActivate(cur);
          break;
        default:
          return;
      }
      e.preventDefault();
    },
    [focusedIndex, onActivate],
  );

  const drawn: FlatRow[] = [];
  for (let i = first; i <= last; i++) drawn.push(rows.at(i));
  return (
    <div className="tree-panel" data-view="tree">
      <TreeHeader />
      <div className="tree-scroll" ref={scrollRef}>
        <div
          role="tree"
          aria-label="Keyrings"
          aria-multiselectable="false"
          className="tree"
          onKeyDown={onKeyDown}
          style={{ height: totalHeight }}
        >
          {drawn.map((row, n) => {
            const index = first + n;
            return (
              <TreeRow
                key={row.rowId}
                row={row}
                index={index}
                start={index * ROW_HEIGHT}
                selected={row.kind === 'key' && row.key.id === selectedId}
                selectedUser={row.kind === 'user' && row.group.uid === selectedUser}
                focused={index === focusedIndex}
                observer={observer}
                role={row.kind === 'key' && model ? roleOf(model, row.key.id) : null}
                highlight={row.kind === 'key' ? highlights.get(row.key.id) : undefined}
                decimalIds={decimalIds}
                onToggle={onToggle}
                onActivate={onActivate}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** What each column says, on hover over its head. */
const COLUMN_TITLES = {
  key: 'Type, description, role and state of each key, under the keyrings that link it',
  expiry: 'When the key expires: a window, since /proc/keys rounds the timeout down to one unit',
  usage: "Uses: the key's usage count (references held by keyrings, processes and the kernel)",
  perm: 'Yours: your effective permission on the key (setattr, link, search, write, read, view)',
  poss: 'P: possessed by this process (reachable from its thread, process or session keyring)',
  decimal: "The key's id in decimal, as keyctl prints it",
  id: "The key's id in hex, as /proc/keys prints it",
} as const;

/** How each sortable column reads its two directions. */
const SORT_WORDS: Record<Exclude<SortColumn, 'kernel'>, { name: string; asc: string; desc: string }> = {
  description: { name: 'description', asc: 'keyrings first, A to Z', desc: 'Z to A, keyrings last' },
  type: { name: 'type', asc: 'keyrings first, then by type', desc: 'by type, Z to A' },
  expiry: { name: 'expiry', asc: 'soonest first, never last', desc: 'never first, soonest last' },
  usage: { name: 'uses', asc: 'fewest first', desc: 'most first' },
  id: { name: 'id', asc: 'lowest first', desc: 'highest first' },
};

/**
 * A column head that sorts the tree: a click (or Enter, Space) sorts by it, again the other way, a third time
 * back to the kernel's order. The head says the order it shows (▲ ▼) and what the next click does.
 */
function SortHead({ column, label, meaning, className }: { column: Exclude<SortColumn, 'kernel'>; label: string; meaning: string; className: string }) {
  const sort = useKb((s) => s.treeSort);
  const on = sort.column === column;
  const words = SORT_WORDS[column];
  const next = nextSort(sort, column);
  const now = on ? `Sorted by ${words.name}, ${sort.descending ? words.desc : words.asc}. ` : '';
  const then = next.column === 'kernel' ? "click for the kernel's order" : `click to sort by ${words.name}, ${next.descending ? words.desc : words.asc}`;
  return (
    <span className={className}>
      <button
        type="button"
        className={`col-sort${on ? ' on' : ''}`}
        aria-pressed={on}
        data-sort={on ? (sort.descending ? 'desc' : 'asc') : undefined}
        title={`${meaning}. ${now}${then[0]!.toUpperCase()}${then.slice(1)}.`}
        onClick={() => useKb.getState().setTreeSort(next)}
      >
        {label}
        <span className="sort-mark" aria-hidden="true">
          {on ? (sort.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </span>
  );
}

/**
 * The column heads: Key (by description, or by type), Expires, Uses and ID sort the tree within each keyring
 * (anchors keep the search order); "kernel order" is the order of each keyring's member list, as keyctl
 * shows it, and the choice is remembered. The ID head's "+ dec" adds a decimal id column.
 */
function TreeHeaderImpl() {
  const decimal = useKb((s) => s.decimalIds);
  const kernel = useKb((s) => s.treeSort.column === 'kernel');
  return (
    <div className="tree-header" role="group" aria-label="Columns: sort the tree">
      <span className="col-head grow">
        <SortHead column="description" label="Key" meaning={COLUMN_TITLES.key} className="col-key" />
        <SortHead column="type" label="type" meaning="The key's type (keyring, user, logon, …)" className="col-type" />
        <button
          type="button"
          className={`col-sort col-kernel${kernel ? ' on' : ''}`}
          aria-pressed={kernel}
          title="Kernel order: each keyring's members in the order of its member list, as keyctl show and KEYCTL_READ give them"
          onClick={() => useKb.getState().setTreeSort(KERNEL_ORDER)}
        >
          kernel order
        </button>
      </span>
      <SortHead column="expiry" label="Expires" meaning={COLUMN_TITLES.expiry} className="col col-expiry" />
      <SortHead column="usage" label="Uses" meaning={COLUMN_TITLES.usage} className="col col-usage" />
      <span className="col col-perm" title={COLUMN_TITLES.perm} aria-hidden="true">
        Yours
      </span>
      <span className="col col-poss" title={COLUMN_TITLES.poss} aria-hidden="true">
        P
      </span>
      {decimal && (
        <span className="col col-dec" title={COLUMN_TITLES.decimal} aria-hidden="true">
          Decimal
        </span>
      )}
      <span className="col col-id">
        <SortHead column="id" label="ID" meaning={COLUMN_TITLES.id} className="col-id-sort" />
        <button
          type="button"
          className={`col-toggle${decimal ? ' on' : ''}`}
          aria-pressed={decimal}
          aria-label="Decimal ids"
          title={decimal ? 'Hide the decimal id column' : 'Show each id in decimal too (keyctl takes either)'}
          onClick={() => useKb.getState().setDecimalIds(!decimal)}
        >
          <span className="muted">{decimal ? '− dec' : '+ dec'}</span>
        </button>
      </span>
    </div>
  );
}

/** Memoised: it takes no props, so it renders again only for its own store fields, not with every delta's rows. */
const TreeHeader = memo(TreeHeaderImpl);
