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
    expect(screen.getByTestId('acting-as').textContent).toBe('Runs as uid 1000 (alice): that user’s permissions decide, not this app’s.');
  });

  it('says nothing of the kind for a key this process sees', () => {
    useKb.getState().select(0x31, null);
    show();
    expect(screen.queryByTestId('acting-as')).toBeNull();
  });
});
