import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App';
import { createFakeApi } from './dev/fakeApi';
import { FIXTURE_IDS } from './dev/fixture';
import { initialKbState, useKb } from './store';
import { SEARCH_DEBOUNCE_MS } from './tree/useSearchRunner';
import { treeRows } from './tree/flatten';
import { selectTreeModel } from './tree/useTreeRows';

// happy-dom lays nothing out: give the tree's scroll box a size so the virtualizer draws rows.
const proto = HTMLElement.prototype;
const real = {
  clientHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!,
  clientWidth: Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth')!,
};
beforeAll(() => {
  for (const [prop, size] of [['clientHeight', 800], ['clientWidth', 1000]] as const) {
    Object.defineProperty(proto, prop, {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('tree-scroll') ? size : real[prop].get!.call(this);
      },
    });
  }
});
afterAll(() => {
  delete (proto as unknown as Record<string, unknown>).clientHeight;
  delete (proto as unknown as Record<string, unknown>).clientWidth;
});

let api: ReturnType<typeof createFakeApi>;
beforeEach(() => {
  useKb.setState(initialKbState(), true);
  api = createFakeApi({ live: false });
});
afterEach(() => {
  cleanup();
  api.close();
});

const row = (id: number) => document.querySelector(`[data-key-id="${id}"]`);

describe('App with the fake api', () => {
  it('draws the tree with anchors, the details of a clicked key, and its status', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
    expect(screen.getByRole('tree', { name: 'Keyrings' })).toBeTruthy();
    expect(document.querySelectorAll(`[data-key-id="${FIXTURE_IDS.sharedCert}"]`).length).toBe(2);
    fireEvent.click(row(FIXTURE_IDS.sharedCert)!);
    const details = screen.getByRole('complementary', { name: 'Key details' });
    await waitFor(() => expect(details.textContent).toContain('unconfined_u'));
    expect(details.textContent).toContain('ci-secrets');
    expect(details.textContent).toContain('project-x');
    expect(screen.getByRole('status').textContent).toMatch(/keys/);
  });

  it("the details' path follows a renamed keyring on the way, and a change of permissions keeps it", async () => {
    render(<App api={api} />);
    await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
    fireEvent.click(row(FIXTURE_IDS.ciSecrets)!);
    const details = screen.getByRole('complementary', { name: 'Key details' });
    await waitFor(() => expect(details.textContent).toContain('› project-x'));
    act(() => api.stageKeyChange(FIXTURE_IDS.ciSecrets, { perm: 0x3f010000 })());
    await waitFor(() => expect(details.textContent).toContain('› project-x'));
    act(() => api.stageKeyChange(FIXTURE_IDS.projectX, { description: 'project-y' })());
    await waitFor(() => expect(details.textContent).toContain('› project-y'));
    expect(details.textContent).not.toContain('project-x');
  });

  it('finds a key by decimal id and clears with Escape', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
    const box = screen.getByRole('searchbox', { name: 'Search keys' });
    fireEvent.change(box, { target: { value: String(FIXTURE_IDS.revokedToken) } });
    await act(() => new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 50)));
    expect(useKb.getState().search?.matches.has(FIXTURE_IDS.revokedToken)).toBe(true);
    expect(row(FIXTURE_IDS.revokedToken)?.classList.contains('match')).toBe(true);
    expect(row(FIXTURE_IDS.sudoTicket)?.classList.contains('dim')).toBe(true);
    fireEvent.keyDown(box, { key: 'Escape' });
    expect((box as HTMLInputElement).value).toBe('');
  });

  it('shows live changes: a new key appears and the change log says so', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
    act(() => api.tick());
    await waitFor(() => expect(row(0x2e000000)).not.toBeNull());
    // The log's line follows the row by a frame (util/afterPaint.ts).
    await waitFor(() => expect(screen.getByRole('region', { name: 'Change log' }).textContent).toContain('oauth:refresh-0'));
  });

  it('moves focus with the arrow keys and selects with Enter', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
    const tree = screen.getByRole('tree');
    fireEvent.keyDown(tree, { key: 'ArrowDown' }); // thread (none)
    fireEvent.keyDown(tree, { key: 'ArrowDown' }); // process keyring
    fireEvent.keyDown(tree, { key: 'Enter' });
    expect(useKb.getState().selectedId).toBe(FIXTURE_IDS.process);
    fireEvent.keyDown(tree, { key: 'ArrowLeft' }); // collapses it
    expect(row(FIXTURE_IDS.process)?.getAttribute('aria-expanded')).toBe('false');
    fireEvent.keyDown(tree, { key: 'ArrowLeft' }); // to the section
    expect(useKb.getState().focusedRowId).toBe('sec:anchors');
  });

  it('draws a large tree first without the sections below its first screen, then with them', async () => {
    const big = createFakeApi({ keyCount: 12_000, live: false });
    // The top level's size as each commit left it: unknown (-1) while a row says the rest is being worked out, never
    // a count that is wrong (it was 2: the anchors' section and that row).
    const sizes: string[] = [];
    const watch = new MutationObserver(() => {
      const size = document.querySelector('[data-row-id="sec:anchors"]')?.getAttribute('aria-setsize');
      if (size && sizes.at(-1) !== size) sizes.push(size);
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
    try {
      render(<App api={big} />);
      await waitFor(() => expect(row(FIXTURE_IDS.session)).not.toBeNull());
      const anchors = () => document.querySelector('[data-row-id="sec:anchors"]')!;
      const tree = () => screen.getByRole('tree', { name: 'Keyrings' }) as HTMLElement;
      const rowsNow = () => parseInt(tree().style.height, 10) / 26;
      // Then the Users, kernel-held and unreachable sections take the pending row's place.
      await waitFor(() => expect(anchors().getAttribute('aria-setsize')).toBe('4'));
      const whole = rowsNow();
      const model = selectTreeModel(useKb.getState())!;
      expect(model.users.length + model.kernelRoots.length + model.orphanRoots.length).toBeGreaterThan(3);
      expect(whole).toBe(treeRows(model, { expansion: new Map(), search: null, filter: false }).length);
      await waitFor(() => expect(sizes).toEqual(['-1', '4']));
    } finally {
      watch.disconnect();
      big.close();
    }
  });

  it('says so in words when the service cannot be reached', async () => {
    const broken = { ...api, getSnapshot: () => Promise.reject(new Error('connection refused')) };
    render(<App api={broken} />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('connection refused'));
  });
});
