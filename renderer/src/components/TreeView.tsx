// The keyring tree: a flat, virtualized list of rows (only what is on screen is in the DOM) with the
// ARIA tree pattern and a roving tabindex. Keys: ↑/↓ move, → opens or enters, ← closes or goes to the
// parent, Home/End, Enter/Space select.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Observer } from '../../../shared/perm';
import { useKb } from '../store';
import type { FlatRow } from '../tree/flatten';
import { currentMatch, matchOrder, stepMatch } from '../tree/matchOrder';
import { useTreeRows } from '../tree/useTreeRows';
import { notifyRowsDrawn } from '../bench';
import { DEV_TOOLS } from '../dev/buildMode';
import { ROW_HEIGHT, TreeRow } from './TreeRow';

function isOpenable(row: FlatRow): boolean {
  return row.kind === 'section' || ((row.kind === 'key' || row.kind === 'user') && row.expandable);
}
function isOpen(row: FlatRow): boolean {
  return (row.kind === 'section' || row.kind === 'key' || row.kind === 'user') && row.expanded;
}

export function TreeView() {
  const rows = useTreeRows();
  const { selectedId, selectedUser, focusedRowId, scrollRequest, uid, gid, groups } = useKb(
    useShallow((s) => ({
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

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // Used until the scroll element is measured (and in DOM-less tests, where it never is).
    initialRect: { width: 1000, height: 800 },
    getItemKey: (i) => rows[i]?.rowId ?? i,
  });

  const focusedIndex = useMemo(() => {
    const i = focusedRowId ? rows.findIndex((r) => r.rowId === focusedRowId) : -1;
    return i >= 0 ? i : 0;
  }, [rows, focusedRowId]);

  // Scroll (and focus) on request: keyboard moves, "reveal" from the details panel or search.
  const lastTick = useRef(0);
  useEffect(() => {
    if (scrollRequest.tick === lastTick.current) return;
    lastTick.current = scrollRequest.tick;
    const id = useKb.getState().focusedRowId;
    const idx = rowsRef.current.findIndex((r) => r.rowId === id);
    if (idx < 0) return;
    virtualizer.scrollToIndex(idx, { align: 'auto' });
    if (scrollRequest.focus) {
      requestAnimationFrame(() => {
        const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${idx}"]`);
        el?.focus({ preventScroll: true });
      });
    }
  }, [scrollRequest, rows, virtualizer]);

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
    const first = q == null ? undefined : rowsRef.current.find((r) => r.kind === 'key' && r.match);
    if (first) useKb.getState().setFocusedRow(first.rowId, true, false);
  }, [search]);

  // Enter/F3 in search: the next match, in the order the tree draws them; the search bar shows "3 of 5".
  const matchStepRequest = useKb((s) => s.matchStep);
  const lastStep = useRef(matchStepRequest.tick);
  useEffect(() => {
    if (matchStepRequest.tick === lastStep.current) return;
    lastStep.current = matchStepRequest.tick;
    const s = useKb.getState();
    const order = matchOrder(rowsRef.current);
    const focusedKey = rowsRef.current.find((r) => r.rowId === s.focusedRowId);
    const current = currentMatch(order, s.selectedId, focusedKey?.kind === 'key' ? focusedKey.key.id : null);
    const to = order[stepMatch(order.length, current, matchStepRequest.dir)];
    if (!to) return;
    s.select(to.key.id, to.rowId);
    s.setFocusedRow(to.rowId, true, false);
  }, [matchStepRequest]);
  useEffect(() => {
    const s = useKb.getState();
    if (!search) return s.setMatchCursor(null);
    const order = matchOrder(rows);
    const focusedKey = rows.find((r) => r.rowId === focusedRowId);
    const i = currentMatch(order, selectedId, focusedKey?.kind === 'key' ? focusedKey.key.id : null);
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
      const cur = list[focusedIndex]!;
      const s = useKb.getState();
      const moveTo = (i: number) => {
        const r = list[Math.max(0, Math.min(list.length - 1, i))]!;
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
          else if (isOpen(cur) && (list[focusedIndex + 1]?.depth ?? 0) > cur.depth) moveTo(focusedIndex + 1);
          break;
        case 'ArrowLeft':
          if (isOpen(cur)) s.setExpanded(cur.rowId, false);
          else {
            for (let i = focusedIndex - 1; i >= 0; i--) {
              if (list[i]!.depth < cur.depth) {
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

  const items = virtualizer.getVirtualItems();
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
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((vi) => {
            const row = rows[vi.index]!;
            return (
              <TreeRow
                key={row.rowId}
                row={row}
                index={vi.index}
                start={vi.start}
                selected={row.kind === 'key' && row.key.id === selectedId}
                selectedUser={row.kind === 'user' && row.group.uid === selectedUser}
                focused={vi.index === focusedIndex}
                observer={observer}
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

/** The column heads before the id, each saying on hover what its column means. */
const COLUMN_HEADS: { className: string; label: string; title: string }[] = [
  { className: 'col-head grow', label: 'Key', title: 'Type, description, role and state of each key, under the keyrings that link it' },
  { className: 'col col-expiry', label: 'Expires', title: 'When the key expires: a window, since /proc/keys rounds the timeout down to one unit' },
  { className: 'col col-usage', label: 'Uses', title: "Uses: the key's usage count (references held by keyrings, processes and the kernel)" },
  { className: 'col col-perm', label: 'Yours', title: 'Yours: your effective permission on the key (setattr, link, search, write, read, view)' },
  { className: 'col col-poss', label: 'P', title: 'P: possessed by this process (reachable from its thread, process or session keyring)' },
];

/** The column heads; the ID head's "+ dec" adds a decimal id column. */
function TreeHeader() {
  const decimal = useKb((s) => s.decimalIds);
  return (
    <div className="tree-header">
      {COLUMN_HEADS.map((c) => (
        <span key={c.label} className={c.className} title={c.title} aria-hidden="true">
          {c.label}
        </span>
      ))}
      {decimal && (
        <span className="col col-dec" title="The key's id in decimal, as keyctl prints it" aria-hidden="true">
          Decimal
        </span>
      )}
      <span className="col col-id">
        <button
          type="button"
          className={`col-toggle${decimal ? ' on' : ''}`}
          aria-pressed={decimal}
          title={decimal ? 'Hide the decimal id column' : 'Show each id in decimal too (keyctl takes either)'}
          onClick={() => useKb.getState().setDecimalIds(!decimal)}
        >
          ID <span className="muted">{decimal ? '− dec' : '+ dec'}</span>
        </button>
      </span>
    </div>
  );
}
