// Every action once: its name (the accessible name of its button and menu item), its shortcut, which
// keys it applies to, and whether it changes anything (those are off while the app is read-only).
import type { KeyInfo } from '../../../shared/snapshot';
import type { ActionName } from './actionsStore';

export interface ActionSpec {
  name: ActionName;
  /** KeyboardEvent.key that starts it (no modifiers), shown in the help overlay. */
  shortcut: string;
  /** Shown in the help overlay. */
  keyLabel: string;
  /** Whether it needs a selected key, and which. */
  appliesTo: (k: KeyInfo | undefined, linkedFrom: number) => boolean;
  /** Read-only actions run even while the switch is on. */
  changes: boolean;
  /** Asks to confirm: shown as a danger button. */
  destructive?: boolean;
}

const anyKey = (k: KeyInfo | undefined) => k != null;
const always = () => true;

export const ACTIONS: readonly ActionSpec[] = [
  { name: 'Add key', shortcut: 'n', keyLabel: 'N', appliesTo: always, changes: true },
  { name: 'Update', shortcut: 'u', keyLabel: 'U', appliesTo: (k) => k != null && k.type !== 'keyring', changes: true },
  { name: 'Read payload', shortcut: 'r', keyLabel: 'R', appliesTo: (k) => k != null && k.type !== 'keyring', changes: true },
  { name: 'Link', shortcut: 'l', keyLabel: 'L', appliesTo: anyKey, changes: true },
  { name: 'Unlink', shortcut: 'Delete', keyLabel: 'Delete', appliesTo: (k, n) => k != null && n > 0, changes: true, destructive: true },
  { name: 'Move', shortcut: 'm', keyLabel: 'M', appliesTo: (k, n) => k != null && n > 0, changes: true, destructive: true },
  { name: 'Revoke', shortcut: 'x', keyLabel: 'X', appliesTo: anyKey, changes: true, destructive: true },
  { name: 'Invalidate', shortcut: 'i', keyLabel: 'I', appliesTo: anyKey, changes: true, destructive: true },
  { name: 'Clear', shortcut: 'c', keyLabel: 'C', appliesTo: (k) => k?.type === 'keyring', changes: true, destructive: true },
  { name: 'Set timeout', shortcut: 't', keyLabel: 'T', appliesTo: anyKey, changes: true },
  { name: 'Set permissions', shortcut: 'p', keyLabel: 'P', appliesTo: anyKey, changes: true },
  { name: 'Change owner', shortcut: 'o', keyLabel: 'O', appliesTo: anyKey, changes: true },
  { name: 'Search', shortcut: 's', keyLabel: 'S', appliesTo: always, changes: false },
  { name: 'Get persistent keyring', shortcut: 'g', keyLabel: 'G', appliesTo: always, changes: true },
];

export function actionForKey(key: string): ActionSpec | undefined {
  return ACTIONS.find((a) => a.shortcut === key || a.shortcut === key.toLowerCase());
}
