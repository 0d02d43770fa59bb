// The keyboard help, opened with `?`: the app's navigation keys and every action's shortcut.
import { useActions } from './actionsStore';
import { ACTIONS } from './catalog';
import { Modal } from './Modal';

const NAVIGATION: [string, string][] = [
  ['/ or Ctrl+F', 'Search the tree'],
  ['Enter / F3 (Shift: back)', 'Next (previous) search match'],
  ['↑ ↓ ← →, Home, End', 'Move in the tree, open and close keyrings'],
  ['Enter', 'Select'],
  ['Escape', 'Close a dialog, clear the search'],
  ['1 / 2', 'Tree view / Graph view'],
  ['Shift+F10 or the Menu key', 'Actions menu for the focused row (or right click)'],
  ['?', 'This help'],
];

export function HelpOverlay() {
  const open = useActions((s) => s.helpOpen);
  const setOpen = useActions((s) => s.setHelpOpen);
  if (!open) return null;
  return (
    <Modal title="Keyboard shortcuts" onClose={() => setOpen(false)}>
      <table className="act-help">
        <tbody>
          {NAVIGATION.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
          {ACTIONS.map((a) => (
            <tr key={a.name}>
              <th scope="row">
                <kbd>{a.keyLabel}</kbd>
              </th>
              <td>
                {a.name}
                {a.changes ? '' : ' (also while read-only)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="act-buttons">
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
    </Modal>
  );
}
