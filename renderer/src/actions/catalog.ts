// Every action of the actions menu once. Which methods are actions, their names (the accessible name
// of each button and menu item) and whether they change anything (those are off while the app is
// read-only) come from the contract table (shared/contract.ts); this file adds only what the UI needs
// on top: the shortcut, which keys each applies to, and whether the kernel refuses it on a key that is
// revoked, invalidated, dead or expired. A labelled method without an entry here does
// not compile.
import { CONTRACT, LABELLED_METHODS, type ActionName, type LabelledMethod } from '../../../shared/contract';
import { decodeFlags } from '../../../shared/flags';
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
  /**
   * Acts on the selected key through a lookup that validates it (security/keys key_validate): the kernel
   * refuses it with EKEYREVOKED, EKEYEXPIRED or ENOKEY once the key is revoked, dead, expired or invalidated.
   * Unlink alone skips that check (it only touches the keyring), so a revoked key can still be unlinked.
   */
  needsUsableKey?: boolean;
}

type ActionUi = Pick<ActionSpec, 'shortcut' | 'keyLabel' | 'appliesTo' | 'destructive' | 'needsUsableKey'>;

const anyKey = (k: KeyInfo | undefined) => k != null;
const always = () => true;

const UI: { readonly [M in LabelledMethod]: ActionUi } = {
  addKey: { shortcut: 'n', keyLabel: 'N', appliesTo: always },
  updateKey: { shortcut: 'u', keyLabel: 'U', appliesTo: (k) => k != null && k.type !== 'keyring', needsUsableKey: true },
  readPayload: { shortcut: 'r', keyLabel: 'R', appliesTo: (k) => k != null && k.type !== 'keyring', needsUsableKey: true },
  linkKey: { shortcut: 'l', keyLabel: 'L', appliesTo: anyKey, needsUsableKey: true },
  unlinkKey: { shortcut: 'Delete', keyLabel: 'Delete', appliesTo: (k, n) => k != null && n > 0, destructive: true },
  moveKey: { shortcut: 'm', keyLabel: 'M', appliesTo: (k, n) => k != null && n > 0, destructive: true, needsUsableKey: true },
  revokeKey: { shortcut: 'x', keyLabel: 'X', appliesTo: anyKey, destructive: true, needsUsableKey: true },
  invalidateKey: { shortcut: 'i', keyLabel: 'I', appliesTo: anyKey, destructive: true, needsUsableKey: true },
  clearKeyring: { shortcut: 'c', keyLabel: 'C', appliesTo: (k) => k?.type === 'keyring', destructive: true, needsUsableKey: true },
  setKeyTimeout: { shortcut: 't', keyLabel: 'T', appliesTo: anyKey, needsUsableKey: true },
  setKeyPerm: { shortcut: 'p', keyLabel: 'P', appliesTo: anyKey, needsUsableKey: true },
  chownKey: { shortcut: 'o', keyLabel: 'O', appliesTo: anyKey, needsUsableKey: true },
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

/** Why the kernel would refuse this action on this key, in words; null when it may work. */
export function refusedOnKey(spec: ActionSpec, k: KeyInfo | undefined): string | null {
  if (!spec.needsUsableKey || !k) return null;
  const s = decodeFlags(k.flags, k.timeout);
  const state = s.invalidated
    ? { what: 'invalidated', errno: 'ENOKEY' }
    : s.revoked
      ? { what: 'revoked', errno: 'EKEYREVOKED' }
      : s.dead
        ? { what: 'dead (its type is gone)', errno: 'EKEYREVOKED' }
        : s.expired
          ? { what: 'expired', errno: 'EKEYEXPIRED' }
          : null;
  if (!state) return null;
  return `${spec.name}: the key is ${state.what}, so the kernel refuses it (${state.errno}). Only unlinking it still works; the collector removes it later.`;
}

export function actionForKey(key: string): ActionSpec | undefined {
  return ACTIONS.find((a) => a.shortcut === key || a.shortcut === key.toLowerCase());
}
