// Every action of the actions menu once. Which methods are actions, their names (the accessible name
// of each button and menu item) and whether they change anything (those are off while the app is
// read-only) come from the contract table (shared/contract.ts); this file adds only what the UI needs
// on top: the shortcut and which keys each applies to. A labelled method without an entry here does
// not compile.
import { CONTRACT, LABELLED_METHODS, type ActionName, type LabelledMethod } from '../../../shared/contract';
import type { KeyInfo } from '../../../shared/snapshot';

export interface ActionSpec {
  method: LabelledMethod;
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

type ActionUi = Pick<ActionSpec, 'shortcut' | 'keyLabel' | 'appliesTo' | 'destructive'>;

const anyKey = (k: KeyInfo | undefined) => k != null;
const always = () => true;

const UI: { readonly [M in LabelledMethod]: ActionUi } = {
  addKey: { shortcut: 'n', keyLabel: 'N', appliesTo: always },
  updateKey: { shortcut: 'u', keyLabel: 'U', appliesTo: (k) => k != null && k.type !== 'keyring' },
  readPayload: { shortcut: 'r', keyLabel: 'R', appliesTo: (k) => k != null && k.type !== 'keyring' },
  linkKey: { shortcut: 'l', keyLabel: 'L', appliesTo: anyKey },
  unlinkKey: { shortcut: 'Delete', keyLabel: 'Delete', appliesTo: (k, n) => k != null && n > 0, destructive: true },
  moveKey: { shortcut: 'm', keyLabel: 'M', appliesTo: (k, n) => k != null && n > 0, destructive: true },
  revokeKey: { shortcut: 'x', keyLabel: 'X', appliesTo: anyKey, destructive: true },
  invalidateKey: { shortcut: 'i', keyLabel: 'I', appliesTo: anyKey, destructive: true },
  clearKeyring: { shortcut: 'c', keyLabel: 'C', appliesTo: (k) => k?.type === 'keyring', destructive: true },
  setKeyTimeout: { shortcut: 't', keyLabel: 'T', appliesTo: anyKey },
  setKeyPerm: { shortcut: 'p', keyLabel: 'P', appliesTo: anyKey },
  chownKey: { shortcut: 'o', keyLabel: 'O', appliesTo: anyKey },
  searchKey: { shortcut: 's', keyLabel: 'S', appliesTo: always },
  getPersistentKeyring: { shortcut: 'g', keyLabel: 'G', appliesTo: always },
};

/** In the contract table's order. */
export const ACTIONS: readonly ActionSpec[] = LABELLED_METHODS.map((method) => ({
  method,
  name: CONTRACT[method].label,
  changes: CONTRACT[method].kind === 'action',
  ...UI[method],
}));

export function actionForKey(key: string): ActionSpec | undefined {
  return ACTIONS.find((a) => a.shortcut === key || a.shortcut === key.toLowerCase());
}
