// The desktop menu's commands as the page carries them out (Root.tsx): the view, the shortcuts, a file to
// compare or to open (its sentence when it cannot be read), and back to the live keys.
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyringApi, KeyringEvent } from '../../shared/api';
import { snapshotFileText } from '../../shared/snapshotFile';
import { testKey, testSnapshot } from '../../shared/testing';
import { useActions } from './actions/actionsStore';
import { useCompare } from './compare/compareStore';
import { Root } from './Root';
import { initialKbState, useKb } from './store';
import { unavailableApi } from './transport/unavailableApi';

afterEach(cleanup);
beforeEach(() => {
  useKb.setState(initialKbState(), true);
  useCompare.getState().close();
});

function liveApi() {
  const listeners = new Set<(e: KeyringEvent) => void>();
  const api: KeyringApi = {
    ...unavailableApi(() => new Promise<never>(() => {})),
    getSnapshot: vi.fn(async () => ({ seq: 0, snapshot: testSnapshot([testKey(7, { description: 'live-key' })]) })),
    subscribe: (l) => (listeners.add(l), () => void listeners.delete(l)),
  };
  return { api, command: (command: Extract<KeyringEvent, { type: 'command' }>['command']) => act(() => listeners.forEach((l) => l({ type: 'command', command }))) };
}

describe('Root: the desktop menu’s commands', () => {
  it('switch the view and open the shortcuts', async () => {
    const { api, command } = liveApi();
    render(<Root liveApi={api} menuCommands />);
    command({ kind: 'view', view: 'graph' });
    expect(useKb.getState().view).toBe('graph');
    command({ kind: 'shortcuts' });
    expect(useActions.getState().helpOpen).toBe(true);
    act(() => useActions.getState().setHelpOpen(false));
  });

  it('open a file read-only, say why one cannot be, compare with one, and go back to live', async () => {
    const { api, command } = liveApi();
    render(<Root liveApi={api} menuCommands />);
    await waitFor(() => expect(useKb.getState().keys.has(7)).toBe(true));
    command({ kind: 'open-file', name: 'bad.json', text: '{"format": 1, "keys": [' });
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', expect.stringMatching(/^bad\.json: the file is not valid JSON/));
    command({ kind: 'open-file', name: 'saved.json', text: snapshotFileText(testSnapshot([testKey(9, { description: 'saved-key' })])) });
    await waitFor(() => expect(useKb.getState().origin).toMatchObject({ kind: 'file', name: 'saved.json' }));
    await waitFor(() => expect([...useKb.getState().keys.keys()]).toEqual([9]));
    command({ kind: 'compare-file', name: 'older.json', text: snapshotFileText(testSnapshot([])) });
    await waitFor(() => expect(useCompare.getState().result?.marks.get(9)).toEqual({ kind: 'added' }));
    command({ kind: 'live' });
    await waitFor(() => expect([...useKb.getState().keys.keys()]).toEqual([7]));
    expect(useCompare.getState().file).toBeNull();
  });
});
