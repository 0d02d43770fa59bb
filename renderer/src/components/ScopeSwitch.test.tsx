// The toolbar's "This process | All users" over a stub api: it says which scope is shown and who provides
// it; All users without a helper shows why and the command (pkexec only where offered); a switch that
// works shows the helper; where the scope is fixed (serve --all-users) it is disabled with the reason.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Capabilities, KeyringApi, KeyringEvent, ViewInfo } from '../../../shared/api';
import { ApiContext } from '../apiContext';
import { describeView, ScopeSwitch } from './ScopeSwitch';

afterEach(cleanup);

const thisApp: ViewInfo = {
  scope: { kind: 'process' },
  provider: { kind: 'process', uid: 1000, pid: 77 },
  helper: { reason: 'no helper is running: /run/user/1000/keyring-browser-helper.sock does not exist', sudo: 'sudo node /app/bin/keyring-browser helper --socket /run/user/1000/keyring-browser-helper.sock --user 1000', pkexec: false },
};
const fromHelper: ViewInfo = { scope: { kind: 'all' }, provider: { kind: 'helper', uid: 0, pid: 4242 } };
const caps = (view: ViewInfo): Capabilities => ({ actionsAllowed: true, readOnly: true, view });

function stubApi(view: ViewInfo, overrides: Partial<KeyringApi> = {}) {
  const listeners = new Set<(e: KeyringEvent) => void>();
  const api = {
    getCapabilities: vi.fn(async () => caps(view)),
    setScope: vi.fn(async () => caps(view)),
    startHelper: vi.fn(async () => caps(view)),
    subscribe: (l: (e: KeyringEvent) => void) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    ...overrides,
  } as unknown as KeyringApi;
  return { api, push: (e: KeyringEvent) => listeners.forEach((l) => l(e)) };
}

function show(api: KeyringApi) {
  return render(
    <ApiContext.Provider value={api}>
      <ScopeSwitch />
    </ApiContext.Provider>,
  );
}

describe('describeView', () => {
  it('names the scope and who provides it', () => {
    expect(describeView(fromHelper)).toBe('All users — from the helper (root, pid 4242)');
    expect(describeView(thisApp)).toBe('This process — read by this app (uid 1000, pid 77)');
    expect(describeView({ scope: { kind: 'all' }, provider: { kind: 'process', uid: 0, pid: 9 }, fixed: 'x' })).toBe('All users — read by the server (root, pid 9)');
    expect(describeView({ scope: { kind: 'uid', uid: 7 }, provider: { kind: 'process', uid: 0, pid: 9 }, fixed: 'x' })).toBe('uid 7 — read by the server (root, pid 9)');
  });
});

describe('ScopeSwitch', () => {
  it('shows This process, and All users without a helper gives the reason and the command', async () => {
    const { api } = stubApi(thisApp);
    show(api);
    expect((await screen.findByLabelText('This process — read by this app (uid 1000, pid 77)')).textContent).toBe('read by this app (uid 1000, pid 77)');
    expect(screen.getByRole('button', { name: 'This process' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'All users' }));
    const help = await screen.findByRole('dialog', { name: 'Start the helper' });
    expect(api.setScope).toHaveBeenCalledWith('all');
    expect(help.textContent).toContain('no helper is running: /run/user/1000/keyring-browser-helper.sock does not exist');
    expect(help.querySelector('pre')?.textContent).toBe(thisApp.helper!.sudo);
    expect(screen.queryByRole('button', { name: 'Start with pkexec…' })).toBeNull();
  });

  it('offers pkexec where the app can run it, and shows the helper once it answers', async () => {
    const { api } = stubApi({ ...thisApp, helper: { ...thisApp.helper!, pkexec: true } });
    (api.startHelper as ReturnType<typeof vi.fn>).mockResolvedValue(caps(fromHelper));
    show(api);
    fireEvent.click(await screen.findByRole('button', { name: 'All users' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Start with pkexec…' }));
    expect(await screen.findByLabelText('All users — from the helper (root, pid 4242)')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('button', { name: 'All users' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('asks again who provides the view after a full snapshot (the helper went away)', async () => {
    let view = fromHelper;
    const { api, push } = stubApi(fromHelper, { getCapabilities: vi.fn(async () => caps(view)) } as Partial<KeyringApi>);
    show(api);
    expect(await screen.findByLabelText('All users — from the helper (root, pid 4242)')).toBeTruthy();
    view = thisApp;
    act(() => push({ type: 'snapshot', snapshot: { seq: 0, snapshot: {} as never } }));
    await waitFor(() => expect(screen.getByTestId('scope-provider').getAttribute('aria-label')).toBe('This process — read by this app (uid 1000, pid 77)'));
  });

  it('is disabled where the scope is fixed, with the reason', async () => {
    const { api } = stubApi({ scope: { kind: 'all' }, provider: { kind: 'process', uid: 0, pid: 9 }, fixed: 'this server scans the scope it was started with' });
    show(api);
    expect(await screen.findByLabelText('All users — read by the server (root, pid 9)')).toBeTruthy();
    for (const name of ['This process', 'All users']) expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('group', { name: 'Whose keys' }).getAttribute('title')).toBe('this server scans the scope it was started with');
  });
});
