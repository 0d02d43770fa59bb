// The administration UI's own small store, apart from the snapshot store so that a payload can never
// end up in a snapshot, the change log or an export. It holds: whether this connection may act and
// whether the user has switched read-only off, the open dialog, the last outcome, and the one payload
// the user asked to read (dropped, and its bytes zeroed, as soon as the selection changes).
import { create } from 'zustand';
import type { Capabilities } from '../../../shared/api';
import type { ActionName } from '../../../shared/contract';
import { useKb } from '../store';

/** The name of an action, as the contract table labels it ("Add key", "Update", …). */
export type { ActionName } from '../../../shared/contract';

export interface Outcome {
  ok: boolean;
  message: string;
  /** The key the action made or found: selecting it keeps the message (it is about that key). */
  keyId?: number;
}

export interface HeldPayload {
  id: number;
  bytes: Uint8Array;
}

interface ActionsState {
  /** From getCapabilities; null until known. */
  actionsAllowed: boolean | null;
  /**
   * The connection's read-only switch as the engine's side last reported it (the transport holds it, not
   * this page): on until the person switches it off, even where the connection allows actions.
   */
  readOnly: boolean;
  /** The dialog open now, for the selected key (Move/Link may carry a pre-chosen target). */
  dialog: { action: ActionName; target?: number } | null;
  helpOpen: boolean;
  outcome: Outcome | null;
  payload: HeldPayload | null;
  /** What getCapabilities or setReadOnly answered. */
  setCapabilities(capabilities: Pick<Capabilities, 'actionsAllowed' | 'readOnly'>): void;
  open(action: ActionName, target?: number): void;
  close(): void;
  setHelpOpen(open: boolean): void;
  report(outcome: Outcome | null): void;
  holdPayload(payload: HeldPayload): void;
  dropPayload(): void;
}

export const useActions = create<ActionsState>()((set, get) => ({
  actionsAllowed: null,
  readOnly: true,
  dialog: null,
  helpOpen: false,
  outcome: null,
  payload: null,
  setCapabilities: ({ actionsAllowed, readOnly }) => set({ actionsAllowed, readOnly: actionsAllowed ? readOnly : true }),
  open: (action, target) => set({ dialog: { action, target }, helpOpen: false }),
  close: () => set({ dialog: null }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  report: (outcome) => set({ outcome }),
  holdPayload: (payload) => {
    get().payload?.bytes.fill(0);
    set({ payload });
  },
  dropPayload: () => {
    const held = get().payload;
    if (!held) return;
    held.bytes.fill(0);
    set({ payload: null });
  },
}));

/** Whether the UI may act now. */
export const canAct = (s: Pick<ActionsState, 'actionsAllowed' | 'readOnly'>) => s.actionsAllowed === true && !s.readOnly;

/** Drops the payload whenever the selected key changes; returns the unsubscribe. */
export function dropPayloadOnSelectionChange(): () => void {
  return useKb.subscribe((s, prev) => {
    if (s.selectedId !== prev.selectedId) {
      useActions.getState().dropPayload();
      if (useActions.getState().outcome?.keyId !== s.selectedId) useActions.getState().report(null);
    }
  });
}
