// Drag a key's tree row onto a keyring's row to move it there: opens the Move dialog (which says what
// will happen and asks to confirm) with that keyring as the target. Pointer events on the document, so
// the tree needs no change; a press that does not travel DRAG_START_PX stays a plain click.
import { useEffect } from 'react';
import type { KeyringApi } from '../../../shared/api';
import { useKb } from '../store';
import { startAction } from './startAction';

const DRAG_START_PX = 8;

function keyRowAt(target: EventTarget | null): { id: number; rowId: string | null; el: Element } | null {
  const el = (target as Element | null)?.closest?.('[role="tree"] [data-key-id]');
  if (!el) return null;
  const id = Number(el.getAttribute('data-key-id'));
  return Number.isInteger(id) && id > 0 ? { id, rowId: el.getAttribute('data-row-id'), el } : null;
}

export function useDragToMove(api: KeyringApi): void {
  useEffect(() => {
    let source: { id: number; rowId: string | null; x: number; y: number } | null = null;
    let dragging = false;
    let over: Element | null = null;
    const mark = (el: Element | null) => {
      over?.classList.remove('act-drop-target');
      over = el;
      over?.classList.add('act-drop-target');
    };
    const onDown = (e: MouseEvent) => {
      const row = e.button === 0 ? keyRowAt(e.target) : null;
      source = row && { id: row.id, rowId: row.rowId, x: e.clientX, y: e.clientY };
      dragging = false;
    };
    const onMove = (e: MouseEvent) => {
      if (!source || (e.buttons & 1) === 0) return;
      if (!dragging && Math.hypot(e.clientX - source.x, e.clientY - source.y) < DRAG_START_PX) return;
      dragging = true;
      document.body.classList.add('act-dragging');
      e.preventDefault(); // no text selection while dragging
      const row = keyRowAt(e.target);
      const keys = useKb.getState().keys;
      mark(row && row.id !== source.id && keys.get(row.id)?.type === 'keyring' ? row.el : null);
    };
    const onUp = (e: MouseEvent) => {
      const from = source;
      const wasDragging = dragging;
      source = null;
      dragging = false;
      mark(null);
      document.body.classList.remove('act-dragging');
      if (!from || !wasDragging) return;
      const target = keyRowAt(e.target);
      if (!target || target.id === from.id || useKb.getState().keys.get(target.id)?.type !== 'keyring') return;
      useKb.getState().select(from.id, from.rowId);
      startAction(api, 'Move', target.id);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('mousemove', onMove);
    document.addEventListener('mouseup', onUp);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('mousemove', onMove);
      document.removeEventListener('mouseup', onUp);
    };
  }, [api]);
}
