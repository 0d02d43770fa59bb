// The actions menu of a tree row (right click, Shift+F10, the Menu key): the selected key's actions,
// arrow keys to move, Enter to run, Escape to close.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../apiContext';
import { canAct, useActions } from './actionsStore';
import { ACTIONS } from './catalog';
import { startAction } from './startAction';
import { useSelection } from './useSelection';

export function ContextMenu({ x, y, onClose }: { x: number; y: number; onClose: () => void }) {
  const api = useApi();
  const ref = useRef<HTMLDivElement>(null);
  const enabled = useActions(useShallow((s) => canAct(s)));
  const { k, parents } = useSelection();
  const items = ACTIONS.filter((a) => a.appliesTo(k, parents.length));

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const outside = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && onClose();
    window.addEventListener('mousedown', outside);
    return () => {
      window.removeEventListener('mousedown', outside);
      previous?.focus?.();
    };
  }, [onClose]);

  const move = (delta: number) => {
    const all = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    all[(i + delta + all.length) % all.length]?.focus();
  };

  return (
    <div
      ref={ref}
      className="act-menu"
      role="menu"
      aria-label={k ? `Actions for ${k.description}` : 'Actions'}
      style={{ left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - items.length * 30 - 10) }}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape' || e.key === 'Tab') onClose();
        else if (e.key === 'ArrowDown') move(1);
        else if (e.key === 'ArrowUp') move(-1);
        else return;
        e.preventDefault();
      }}
    >
      {items.map((a) => {
        const off = a.changes && !enabled;
        return (
          <button
            key={a.name}
            type="button"
            role="menuitem"
            tabIndex={-1}
            aria-disabled={off}
            className={off ? 'act-menu-off' : undefined}
            onClick={() => {
              onClose();
              startAction(api, a.name);
            }}
          >
            <span>{a.name}</span>
            <kbd>{a.keyLabel}</kbd>
          </button>
        );
      })}
    </div>
  );
}
