// In an all-users view, the confirmation of an action on a key only another user's view lists names the
// user it runs as; on a key this process sees, it says nothing of the kind.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyringApi } from '../../../shared/api';
import { ApiContext } from '../apiContext';
import { initialKbState, useKb } from '../store';
import { k, ring, snap } from '../test/keys';
import { useActions } from './actionsStore';
import { ConfirmDialog } from './dialogs/ConfirmDialogs';

beforeEach(() => {
  useKb.setState(initialKbState(), true);
  const s = snap([ring(0x10, '_ses', [0x30], { seenBy: ['process'] }), k(0x30, 'alice-token', { uid: 1000, seenBy: ['uid 1000'] }), k(0x31, 'mine', { uid: 0, seenBy: ['process', 'uid 1000'] })], { session: 0x10 });
  act(() => {
    useKb.getState().loadSnapshot({ seq: 0, snapshot: s });
    useKb.getState().setIdentity({ users: { 1000: 'alice' }, groups: {} });
  });
  useActions.setState({ actionsAllowed: true, readOnly: false, dialog: { action: 'Revoke' } });
});
afterEach(cleanup);

const show = () =>
  render(
    <ApiContext.Provider value={{} as KeyringApi}>
      <ConfirmDialog action="Revoke" />
    </ApiContext.Provider>,
  );

describe('a confirmation in an all-users view', () => {
  it('names the user an action on their key runs as', () => {
    useKb.getState().select(0x30, null);
    show();
    expect(screen.getByTestId('acting-as').textContent).toBe(
      'Runs as uid 1000 (alice): that user’s permissions decide, not this app’s. It possesses nothing: the scan saw no user keyring of this user.',
    );
    // Its mask (testKey's 3f010000) lets the user only view it, and nothing is possessed: refused, said before trying.
    expect(screen.getByTestId('acting-refusal').textContent).toBe(
      'The kernel will refuse this (EACCES): Revoke needs write or setattr, and uid 1000 has no user keyring the scan saw, so nothing is possessed, and its mask 3f010000 grants that user only -----v.',
    );
  });

  it('says what it will possess through the user keyring, and which keys that leaves refused', () => {
    const perm = 0x3f010000; // keyctl add's default: only the possessor may do more than view
    const s = snap(
      [
        ring(0x10, '_ses', [], { seenBy: ['process'] }),
        ring(0x20, '.user_reg', [0x21], { uid: 0, seenBy: ['process'] }),
        ring(0x21, '_uid.1000', [0x30], { uid: 1000, perm: 0x1f3f0000, seenBy: ['uid 1000'] }),
        k(0x30, 'in-user-keyring', { uid: 1000, perm, seenBy: ['uid 1000'] }),
        ring(0x40, '_ses', [0x41], { uid: 1000, perm: 0x3f030000, seenBy: ['uid 1000'] }),
        k(0x41, 'in-another-session', { uid: 1000, perm, seenBy: ['uid 1000'] }),
      ],
      { session: 0x10 },
    );
    act(() => useKb.getState().loadSnapshot({ seq: 1, snapshot: s }));
    useKb.getState().select(0x30, null);
    const first = show();
    expect(screen.getByTestId('acting-as').textContent).toMatch(/it possesses what _uid\.1000 holds: a thread of the app links it into a session keyring of its own for this action and drops it after/);
    expect(screen.queryByTestId('acting-refusal')).toBeNull();
    first.unmount();
    useKb.getState().select(0x41, null);
    show();
    expect(screen.getByTestId('acting-refusal').textContent).toMatch(/^The kernel will refuse this \(EACCES\): Revoke needs write or setattr, and _uid\.1000 does not reach this key, so it is not possessed/);
  });

  it('says nothing of the kind for a key this process sees', () => {
    useKb.getState().select(0x31, null);
    show();
    expect(screen.queryByTestId('acting-as')).toBeNull();
  });
});
