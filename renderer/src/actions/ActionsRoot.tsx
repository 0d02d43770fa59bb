// Mounted once in App: asks whether this connection may act, drops a read payload when the selection
// changes, and wires the keyboard shortcuts, the `?` help, the tree rows' context menu and drag-to-move
// (listened for on the document, so the tree itself needs no change). Renders the open dialog.
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../apiContext';
import { isSavedFile, useKb } from '../store';
import { dropPayloadOnSelectionChange, useActions } from './actionsStore';
import { actionForKey } from './catalog';
import { ContextMenu } from './ContextMenu';
import { DialogHost } from './DialogHost';
import { HelpOverlay } from './HelpOverlay';
import { startAction } from './startAction';
import { useDragToMove } from './useDragToMove';
import './actions.css';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** Selects the key of a tree row element; returns the row or null when the element is not in a row. */
function selectRowOf(el: Element | null): Element | null {
  const row = el?.closest('[data-key-id]') ?? null;
  if (!row) return null;
  const id = Number(row.getAttribute('data-key-id'));
  if (Number.isInteger(id) && id > 0) useKb.getState().select(id, row.getAttribute('data-row-id'));
  return row;
}

export function ActionsRoot() {
  const api = useApi();
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);

  useEffect(() => {
    let live = true;
    api.getCapabilities().then(
      (c) => live && useActions.getState().setCapabilities(c),
      () => live && useActions.getState().setCapabilities({ actionsAllowed: false, readOnly: true }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  useEffect(() => dropPayloadOnSelectionChange(), []);
  useDragToMove(api);

  useEffect(() => {
    const onContextMenu = (e: MouseEvent) => {
      if (isSavedFile(useKb.getState())) return; // no actions on a saved file
      const row = selectRowOf(e.target as Element);
      if (!row || !row.closest('[role="tree"], .tree')) return;
      e.preventDefault();
      setMenu({ x: e.clientX, y: e.clientY });
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const s = useActions.getState();
      if (s.dialog || s.helpOpen) {
        // Focus can leave the dialog (a button disabled while busy drops it): Escape still closes it.
        if (e.key === 'Escape') {
          if (s.dialog) s.close();
          else s.setHelpOpen(false);
        }
        return;
      }
      if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
        if (isSavedFile(useKb.getState())) return;
        const row = selectRowOf(document.activeElement);
        if (!row) return;
        e.preventDefault();
        const r = row.getBoundingClientRect();
        setMenu({ x: r.left + 24, y: r.bottom });
        return;
      }
      if (e.key === '?') {
        e.preventDefault();
        s.setHelpOpen(true);
        return;
      }
      if (e.shiftKey && e.key.length === 1 && e.key.toLowerCase() === e.key) return;
      if (isSavedFile(useKb.getState())) return; // no actions on a saved file
      const spec = actionForKey(e.key);
      if (!spec) return;
      e.preventDefault();
      const kb = useKb.getState();
      const k = kb.selectedId != null ? kb.keys.get(kb.selectedId) : undefined;
      const linked = k ? [...kb.keys.values()].filter((r) => r.links?.includes(k.id)).length : 0;
      if (!spec.appliesTo(k, linked)) {
        s.report({ ok: false, message: `${spec.name}: select ${spec.name === 'Clear' ? 'a keyring' : spec.name === 'Unlink' || spec.name === 'Move' ? 'a key linked from a keyring' : 'a key'} first.` });
        return;
      }
      startAction(api, spec.name);
    };
    document.addEventListener('contextmenu', onContextMenu);
    window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('contextmenu', onContextMenu);
      window.removeEventListener('keydown', onKey);
    };
  }, [api]);

  return (
    <>
      {menu && <ContextMenu x={menu.x} y={menu.y} onClose={closeMenu} />}
      <DialogHost />
      <HelpOverlay />
    </>
  );
}
