// The actions menu of a tree row (right click, Shift+F10, the Menu key): the selected key's actions,
// arrow keys, Home and End to move, Enter to run, Escape to close, and the letter shown beside an item
// (its shortcut) to run it at once.
//
// The window is live: every poll re-renders whatever reads the snapshot, and may add or remove items
// (Unlink and Move come and go with the key's links). Focus is therefore set once, when the menu opens,
// and otherwise left where the user put it; the focused item is remembered by name, so if it disappears
// under the user, focus goes to the item now in its place rather than out of the menu.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApi } from '../apiContext';
import { canAct, useActions, type ActionName } from './actionsStore';
import { ACTIONS, refusedOnKey, type ActionSpec } from './catalog';
import { startAction } from './startAction';
import { useSelection } from './useSelection';
import { cutMiddle } from '../../../shared/text';
import { copyText, idForKeyctl } from '../util/copyText';

/** The item a key press inside the menu runs: the item whose shown shortcut it is. */
export function menuItemForKey(items: readonly ActionSpec[], key: string): ActionSpec | undefined {
  return items.find((a) => a.shortcut === key || (key.length === 1 && a.shortcut === key.toLowerCase()));
}

export function ContextMenu({ x, y, onClose }: { x: number; y: number; onClose: () => void }) {
  const api = useApi();
  const ref = useRef<HTMLDivElement>(null);
  const enabled = useActions(useShallow((s) => canAct(s)));
  const { k, parents } = useSelection();
  const items = ACTIONS.filter((a) => a.appliesTo(k, parents.length));
  // The focused item's name and index, kept outside render so an update never moves focus by itself.
  const focused = useRef<{ name: string | null; index: number }>({ name: null, index: 0 });
  // The latest onClose, so the open/close effect below runs once per menu, not once per parent render.
  const close = useRef(onClose);
  close.current = onClose;

  const menuItems = () => [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    menuItems()[0]?.focus();
    const outside = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && close.current();
    window.addEventListener('mousedown', outside);
    return () => {
      window.removeEventListener('mousedown', outside);
      previous?.focus?.();
    };
  }, []);

  // After an update: if the focused item went away (its node removed, focus fell to the page), focus the
  // item that took its place. Focus already inside the menu is never touched.
  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu || menu.contains(document.activeElement)) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    const all = menuItems();
    const byName = all.find((el) => el.dataset.action === focused.current.name);
    (byName ?? all[Math.min(focused.current.index, all.length - 1)])?.focus();
  });

  const run = (name: ActionName) => {
    close.current();
    startAction(api, name);
  };

  const moveTo = (index: number) => {
    const all = menuItems();
    all[(index + all.length) % all.length]?.focus();
  };
  const current = () => menuItems().indexOf(document.activeElement as HTMLElement);

  return (
    <div
      ref={ref}
      className="act-menu"
      role="menu"
      aria-label={k ? `Actions for ${cutMiddle(k.description)}` : 'Actions'}
      style={{ left: Math.min(x, window.innerWidth - 240), top: Math.min(y, window.innerHeight - (items.length + 3) * 30 - 10) }}
      onFocus={(e) => {
        const el = e.target as HTMLElement;
        const name = el.dataset.action;
        if (name) focused.current = { name, index: menuItems().indexOf(el) };
      }}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        if (e.key === 'Escape' || e.key === 'Tab') onClose();
        else if (e.key === 'ArrowDown') moveTo(current() + 1);
        else if (e.key === 'ArrowUp') moveTo(current() - 1);
        else if (e.key === 'Home') moveTo(0);
        else if (e.key === 'End') moveTo(-1);
        else {
          const item = menuItemForKey(items, e.key);
          if (!item) return;
          run(item.name);
        }
        e.preventDefault();
      }}
    >
      {items.map((a) => {
        const refused = refusedOnKey(a, k);
        const off = (a.changes && !enabled) || refused != null;
        return (
          <button
            key={a.name}
            type="button"
            role="menuitem"
            tabIndex={-1}
            data-action={a.name}
            aria-disabled={off}
            aria-keyshortcuts={a.shortcut}
            className={off ? 'act-menu-off' : undefined}
            title={refused ?? undefined}
            onClick={() => run(a.name)}
          >
            <span>{a.name}</span>
            <kbd>{a.keyLabel}</kbd>
          </button>
        );
      })}
      {k && (
        <>
          <hr className="act-menu-sep" />
          {(['hex', 'decimal'] as const).map((base) => (
            <button
              key={base}
              type="button"
              role="menuitem"
              tabIndex={-1}
              data-action={`copy ${base}`}
              onClick={() => {
                close.current();
                void copyText(idForKeyctl(k.id, base)).then(
                  () => useActions.getState().report({ ok: true, message: `Copied ${idForKeyctl(k.id, base)}` }),
                  (err: unknown) => useActions.getState().report({ ok: false, message: `Not copied: ${err instanceof Error ? err.message : String(err)}` }),
                );
              }}
            >
              <span>Copy id ({base === 'hex' ? idForKeyctl(k.id, 'hex') : idForKeyctl(k.id, 'decimal')})</span>
            </button>
          ))}
        </>
      )}
    </div>
  );
}
