// The actions UI over a stub api: read-only until switched, input refused at the field without a
// call, a kernel refusal shown in words, and a read payload masked and dropped with the selection.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeyringApi } from '../../../shared/api';
import { KeyringApiError } from '../../../shared/protocol';
import { ApiContext } from '../apiContext';
import { initialKbState, useKb } from '../store';
import { k, ring, snap } from '../test/keys';
import { ActionButtons } from './ActionButtons';
import { ActionsRoot } from './ActionsRoot';
import { useActions } from './actionsStore';
import { ReadOnlySwitch } from './ReadOnlySwitch';

const KEY = 0x30;
function stubApi(overrides: Partial<KeyringApi> = {}): KeyringApi {
  return {
    getCapabilities: vi.fn(async () => ({ actionsAllowed: true, readOnly: true })),
    // The engine's side holds the switch; this stand-in lets it go off as serve --allow-actions does.
    setReadOnly: vi.fn(async (readOnly: boolean) => ({ actionsAllowed: true, readOnly })),
    readPayload: vi.fn(async (id: number) => ({ id, base64: 'c2VjcmV0', length: 6 })),
    setKeyTimeout: vi.fn(async () => ({ message: 'done' })),
    ...overrides,
  } as unknown as KeyringApi;
}

function Harness({ api }: { api: KeyringApi }) {
  const key = useKb((s) => (s.selectedId != null ? s.keys.get(s.selectedId) : undefined));
  return (
    <ApiContext.Provider value={api}>
      <ReadOnlySwitch />
      <aside aria-label="Key details">{key && <ActionButtons k={key} linkedFrom={1} />}</aside>
      <ActionsRoot />
    </ApiContext.Provider>
  );
}

beforeEach(() => {
  useKb.setState(initialKbState(), true);
  useActions.setState({ actionsAllowed: null, readOnly: true, dialog: null, outcome: null, payload: null, helpOpen: false });
  const s = snap([ring(0x10, '_ses', [KEY, 0x31]), k(KEY, 'token'), k(0x31, 'other')], { session: 0x10 });
  act(() => useKb.getState().loadSnapshot({ seq: 0, snapshot: s }));
  useKb.getState().select(KEY, 'a:session/48');
});
afterEach(cleanup);

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('actions in the details panel', () => {
  it('are off until the read-only switch is turned off, where the connection allows them', async () => {
    render(<Harness api={stubApi()} />);
    expect(button('Revoke').disabled).toBe(true);
    expect(button('Search').disabled).toBe(false);
    const sw = screen.getByRole('switch', { name: /read-only/i }) as HTMLInputElement;
    await waitFor(() => expect(sw.disabled).toBe(false));
    fireEvent.click(sw);
    await waitFor(() => expect(button('Revoke').disabled).toBe(false));
  });

  it('stays read-only when the engine keeps the switch on (the desktop app asked, and the person said no)', async () => {
    const api = stubApi({ setReadOnly: vi.fn(async () => ({ actionsAllowed: true, readOnly: true })) });
    render(<Harness api={api} />);
    const sw = screen.getByRole('switch', { name: /read-only/i }) as HTMLInputElement;
    await waitFor(() => expect(sw.disabled).toBe(false));
    fireEvent.click(sw);
    await waitFor(() => expect(api.setReadOnly).toHaveBeenCalledWith(false));
    expect(sw.checked).toBe(true);
    expect(button('Revoke').disabled).toBe(true);
  });

  it('refuses a negative timeout at the field without calling the engine', async () => {
    const api = stubApi();
    render(<Harness api={api} />);
    await waitFor(() => expect(useActions.getState().actionsAllowed).toBe(true));
    act(() => useActions.getState().setCapabilities({ actionsAllowed: true, readOnly: false }));
    fireEvent.click(button('Set timeout'));
    fireEvent.change(screen.getByLabelText('Timeout'), { target: { value: '-1' } });
    fireEvent.submit(screen.getByLabelText('Timeout').closest('form')!);
    expect(screen.getByRole('dialog').textContent).toContain('a timeout cannot be negative');
    expect(api.setKeyTimeout).not.toHaveBeenCalled();
  });

  it('shows a kernel refusal in words', async () => {
    const api = stubApi({
      readPayload: vi.fn(async () => {
        throw new KeyringApiError('EACCES', "EACCES: this process lacks read on key 0x00000030 (perm 3f000000, you match 'user')");
      }),
    });
    render(<Harness api={api} />);
    await waitFor(() => expect(useActions.getState().actionsAllowed).toBe(true));
    act(() => useActions.getState().setCapabilities({ actionsAllowed: true, readOnly: false }));
    fireEvent.click(button('Read payload'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^EACCES: this process lacks read/));
  });

  it('shows a read payload masked, reveals it on request, and drops it when the selection changes', async () => {
    render(<Harness api={stubApi()} />);
    await waitFor(() => expect(useActions.getState().actionsAllowed).toBe(true));
    act(() => useActions.getState().setCapabilities({ actionsAllowed: true, readOnly: false }));
    fireEvent.click(button('Read payload'));
    const value = await screen.findByTestId('payload-value');
    expect(value.textContent).not.toContain('secret');
    fireEvent.click(button('Reveal'));
    expect(screen.getByTestId('payload-value').textContent).toBe('secret');
    const held = useActions.getState().payload!.bytes;
    act(() => useKb.getState().select(0x31, null));
    expect(useActions.getState().payload).toBeNull();
    expect([...held].every((b) => b === 0)).toBe(true);
    expect(JSON.stringify([...useKb.getState().keys.values()])).not.toContain('secret');
  });
});
