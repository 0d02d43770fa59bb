import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../App';
import { createFakeApi } from '../dev/fakeApi';
import { FIXTURE_IDS } from '../dev/fixture';
import { initialKbState, useKb } from '../store';
import { minimapSize } from './GraphView';
import { useGraphState } from './graphState';
import { computeLayout, type LayoutRequest } from './layout';

// happy-dom runs no workers: lay out in-process with the same code the worker runs (or, with
// `hold`, never answer: a layout that takes forever).
const layoutControl = vi.hoisted(() => ({ hold: false, cancelled: 0, requests: 0 }));
vi.mock('./layoutClient', () => ({
  layoutThread: 'test',
  requestLayout: (req: LayoutRequest) => {
    layoutControl.requests++;
    return layoutControl.hold ? new Promise(() => {}) : Promise.resolve(computeLayout(req));
  },
  cancelLayouts: () => {
    layoutControl.cancelled++;
  },
}));

// xyflow measures its container; happy-dom lays nothing out.
class NoopResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoopResizeObserver as unknown as typeof ResizeObserver;

// …nor the tree's scroll box: give it a size so the virtualizer draws rows.
const realClientHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight')!;
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('tree-scroll') ? 800 : realClientHeight.get!.call(this);
    },
  });
});
afterAll(() => {
  delete (HTMLElement.prototype as unknown as Record<string, unknown>).clientHeight;
});

let api: ReturnType<typeof createFakeApi>;
beforeEach(() => {
  useKb.setState({ ...initialKbState(), view: 'graph' }, true);
  useGraphState.setState({ scope: null, openGroups: new Set() });
  layoutControl.hold = false;
  layoutControl.cancelled = 0;
  api = createFakeApi({ live: false });
});
afterEach(() => {
  cleanup();
  api.close();
});

const graph = () => document.querySelector('[data-view="graph"]');
const graphNode = (id: number) => document.querySelector(`[data-view="graph"] [data-key-id="${id}"]`);

describe('graph view', () => {
  it('draws the keyrings as nodes with ids and flags, and links as edges with data-link', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.session)).not.toBeNull(), { timeout: 5000 });
    expect(document.querySelector('[data-view="tree"]')).toBeNull();
    expect(graphNode(FIXTURE_IDS.revokedToken)?.getAttribute('data-key-flags')).toBe('IR-Q---');
    expect(graphNode(FIXTURE_IDS.revokedToken)?.classList.contains('doomed')).toBe(true);
    await waitFor(() => expect(graph()!.querySelector(`[data-link="${FIXTURE_IDS.projectX}:${FIXTURE_IDS.sharedCert}"]`)).not.toBeNull());
    expect(graph()!.querySelector(`[data-link="${FIXTURE_IDS.projectX}:${FIXTURE_IDS.sharedCert}"]`)?.classList.contains('shared')).toBe(true);
    expect(graph()!.querySelector('[data-anchor="session"]')).not.toBeNull();
    expect(graphNode(FIXTURE_IDS.session)?.textContent).toContain('Session keyring');
  });

  it("shows this process's keyrings first; All keyrings adds the kernel-held and unreachable ones", async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.session)).not.toBeNull(), { timeout: 5000 });
    const pressed = () => screen.getByRole('group', { name: 'Show' }).querySelector('[aria-pressed="true"]')?.textContent;
    expect(pressed()).toBe("This process's keyrings");
    expect(graphNode(FIXTURE_IDS.userReg)).toBeNull();
    expect(graph()!.querySelector('[data-cluster="kernel"]')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'All keyrings' }));
    await waitFor(() => expect(graphNode(FIXTURE_IDS.userReg)).not.toBeNull(), { timeout: 5000 });
    expect(graph()!.querySelector('[data-cluster="kernel"]')).not.toBeNull();
    expect(graphNode(FIXTURE_IDS.orphanToken)).not.toBeNull();
  });

  it('with Only matches, draws only the matches and the keyrings on their paths', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.projectX)).not.toBeNull(), { timeout: 5000 });
    act(() => {
      useKb.getState().setQuery('sudo');
      useKb.getState().setSearch({ query: 'sudo', matches: new Set([FIXTURE_IDS.sudoTicket]), ancestors: new Set([FIXTURE_IDS.session]) });
      useKb.getState().setFilterMatches(true);
    });
    await waitFor(() => expect(graphNode(FIXTURE_IDS.projectX)).toBeNull(), { timeout: 5000 });
    expect(graphNode(FIXTURE_IDS.sudoTicket)).not.toBeNull();
    expect(graphNode(FIXTURE_IDS.session)).not.toBeNull();
    expect(document.querySelector('[data-graph-summary]')?.textContent).toContain('(matches only)');
  });

  it('says it is laying out while the worker works, and Cancel falls back to the neighbourhood', async () => {
    layoutControl.hold = true;
    // A structure no other test laid out (layouts are cached by structure).
    const other = createFakeApi({ keyCount: 77, live: false });
    try {
      render(<App api={other} />);
      await waitFor(() => expect(graphNode(FIXTURE_IDS.session)).not.toBeNull(), { timeout: 5000 });
      const status = graph()!.querySelector('.graph-status');
      // The fixture was laid out before: its older layout is shown while this one is awaited.
      expect(status?.textContent).toMatch(/^(Laying out \d+ nodes… \(a quick arrangement meanwhile\)|Updating layout…)/);
      fireEvent.click(screen.getByRole('button', { name: 'Cancel: show the neighbourhood of the selection' }));
      expect(layoutControl.cancelled).toBe(1);
      expect(useGraphState.getState().scope).toBe('neighbourhood');
    } finally {
      other.close();
    }
  });

  it('lays out again only for a change that alters links: a permission or flag change redraws the node in place', async () => {
    // A structure no other test laid out (layouts are cached by structure).
    const live = createFakeApi({ keyCount: 91, live: false });
    try {
      render(<App api={live} />);
      await waitFor(() => expect(graphNode(FIXTURE_IDS.sharedCert)).not.toBeNull(), { timeout: 5000 });
      await waitFor(() => expect(graph()!.querySelector('.graph-status')).toBeNull(), { timeout: 5000 });
      const asked = layoutControl.requests;
      const place = () => graphNode(FIXTURE_IDS.sharedCert)!.closest('.react-flow__node')!.getAttribute('style');
      const before = place();

      act(() => live.stageKeyChange(FIXTURE_IDS.sharedCert, { perm: 0x3f3f0000, flags: 'IR-Q---', usage: 7 })());
      await waitFor(() => expect(graphNode(FIXTURE_IDS.sharedCert)?.getAttribute('data-key-flags')).toBe('IR-Q---'));
      expect(layoutControl.requests).toBe(asked);
      expect(place()).toBe(before);

      // Unlinking the shared key from one of its keyrings changes the structure: one new layout.
      act(() => live.stageKeyChange(FIXTURE_IDS.ciSecrets, { links: [0x21f0a614, 0x21f0a615, 0x21f0a616] })());
      await waitFor(() => expect(graph()!.querySelector(`[data-link="${FIXTURE_IDS.ciSecrets}:${FIXTURE_IDS.sharedCert}"]`)).toBeNull());
      expect(layoutControl.requests).toBe(asked + 1);
    } finally {
      live.close();
    }
  });

  it('glides from the quick tree arrangement to the layers, its links hidden while the nodes move', async () => {
    const shared = createFakeApi({ live: false, keyCount: 120, shape: 'shared' });
    try {
      render(<App api={shared} />);
      const canvas = () => graph()!.querySelector('.graph-canvas');
      await waitFor(() => expect(canvas()?.hasAttribute('data-gliding')).toBe(true), { timeout: 5000 });
      await waitFor(() => expect(canvas()!.hasAttribute('data-gliding')).toBe(false), { timeout: 5000 });
      expect(graph()!.querySelector('.graph-status')).toBeNull();
    } finally {
      shared.close();
    }
  });

  it('has a legend for its lines and pin badges, and cuts long labels in the middle', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.sharedCert)).not.toBeNull(), { timeout: 5000 });
    fireEvent.click(screen.getByRole('button', { name: 'Legend' }));
    const legend = screen.getByRole('region', { name: 'Graph legend' });
    expect(legend.textContent).toContain('one of several links to a shared key');
    expect(legend.querySelector('path.graph-edge.shared')).not.toBeNull();
    expect(legend.textContent).toContain('nothing keeps it: the collector will remove it');
    // The label sits in the box that is measured and cut to its room (components/MiddleEllipsis.tsx); there is
    // no layout here to measure, so the text stays whole (e2e/graphView.spec.ts cuts it in chromium).
    expect(graphNode(FIXTURE_IDS.sharedCert)!.querySelector('.mid-ellipsis > .key-desc')?.textContent).toBe('corp-ca: Example Corp Root CA 2026');
  });

  it("shows the neighbourhood of the selection: its keyrings up to the root and its members", async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.projectX)).not.toBeNull(), { timeout: 5000 });
    fireEvent.click(graphNode(FIXTURE_IDS.projectX)!);
    fireEvent.click(screen.getByRole('button', { name: 'Neighbourhood' }));
    await waitFor(() => expect(graphNode(FIXTURE_IDS.sudoTicket)).toBeNull(), { timeout: 5000 });
    expect(graphNode(FIXTURE_IDS.projectX)).not.toBeNull();
    expect(graphNode(FIXTURE_IDS.sharedCert)).not.toBeNull();
    expect(graphNode(FIXTURE_IDS.session)).not.toBeNull();
  });

  it('selects in both views: a click on a node selects it, the tree then shows it selected', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.sharedCert)).not.toBeNull(), { timeout: 5000 });
    fireEvent.click(graphNode(FIXTURE_IDS.sharedCert)!);
    expect(useKb.getState().selectedId).toBe(FIXTURE_IDS.sharedCert);
    expect(graphNode(FIXTURE_IDS.sharedCert)?.classList.contains('selected')).toBe(true);
    const details = screen.getByRole('complementary', { name: 'Key details' });
    expect(details.textContent).toContain('Kept alive by: links from project-x');

    fireEvent.click(screen.getByRole('tab', { name: 'Tree' }));
    await waitFor(() => expect(document.querySelector('[data-view="tree"]')).not.toBeNull());
    // The click also revealed the key in the tree (its keyrings opened, the row chosen).
    expect(useKb.getState().selectedRowId).toMatch(new RegExp(`/${FIXTURE_IDS.sharedCert}$`));
    await waitFor(() =>
      expect(document.querySelector(`[data-view="tree"] [data-row-id="${useKb.getState().selectedRowId}"]`)?.getAttribute('aria-selected')).toBe('true'),
    );
  });

  it('switches views with the tabs and with the 1 / 2 keys, but not while typing in the search box', async () => {
    useKb.setState({ view: 'tree' });
    render(<App api={api} />);
    await waitFor(() => expect(document.querySelector('[data-view="tree"]')).not.toBeNull());
    expect(screen.getByRole('tab', { name: 'Tree' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(window, { key: '2' });
    expect(useKb.getState().view).toBe('graph');
    expect(screen.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(screen.getByRole('searchbox'), { key: '1' });
    expect(useKb.getState().view).toBe('graph');
    fireEvent.keyDown(window, { key: '1' });
    expect(useKb.getState().view).toBe('tree');
  });

  it('dims what a search does not match', async () => {
    render(<App api={api} />);
    await waitFor(() => expect(graphNode(FIXTURE_IDS.sudoTicket)).not.toBeNull(), { timeout: 5000 });
    act(() => {
      useKb.getState().setQuery('sudo');
      useKb.getState().setSearch({ query: 'sudo', matches: new Set([FIXTURE_IDS.sudoTicket]), ancestors: new Set([FIXTURE_IDS.session]) });
    });
    expect(graphNode(FIXTURE_IDS.sudoTicket)?.classList.contains('match')).toBe(true);
    expect(graphNode(FIXTURE_IDS.projectX)?.classList.contains('dim')).toBe(true);
    expect(graphNode(FIXTURE_IDS.session)?.classList.contains('dim')).toBe(false);
  });

  it('folds a keyring of more than 50 keys into a group node that unfolds on click', async () => {
    const big = createFakeApi({ keyCount: 150, live: false });
    try {
      render(<App api={big} />);
      const group = () => document.querySelector('[data-view="graph"] [data-group-of]');
      await waitFor(() => expect(group()).not.toBeNull(), { timeout: 5000 });
      expect(group()!.textContent).toMatch(/\d+ (user )?keys/);
      const ringId = Number(group()!.getAttribute('data-group-of'));
      const firstMember = useKb.getState().keys.get(ringId)!.links![1]!;
      expect(graphNode(firstMember)).toBeNull();
      fireEvent.click(group()!);
      await waitFor(() => expect(graphNode(firstMember)).not.toBeNull(), { timeout: 5000 });
      expect(graph()!.querySelector(`[data-link="${ringId}:${firstMember}"]`)).not.toBeNull();
    } finally {
      big.close();
    }
  });
});

describe('minimap size', () => {
  it('is 150 × 100 on a roomy pane, smaller on a small one (never a quarter of a side), and gone below 96 px', () => {
    expect(minimapSize(1400, 800)).toEqual({ width: 150, height: 100 });
    const small = minimapSize(500, 400)!;
    expect(small.width).toBeLessThanOrEqual(500 / 4);
    expect(small.height).toBeLessThanOrEqual(400 / 4);
    expect(minimapSize(360, 300)).toBeNull();
  });
});
