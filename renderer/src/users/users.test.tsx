// The Users section: rows in the flattened tree, reveal paths and search across users, the gauge's
// accessibility, and the user details' breakdown.
import { cleanup, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import type { ComponentProps } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRedaction } from '../../../shared/redact';
import type { QuotaInfo } from '../../../shared/snapshot';
import { k, ring } from '../test/keys';
import { flattenTree, sectionOfRowId, type FlatRow } from '../tree/flatten';
import { buildTreeModel, findRowPath } from '../tree/model';
import { runSearch } from '../tree/search';
import { TreeRow } from '../components/TreeRow';
import { QuotaGauge } from './QuotaGauge';
import { UserDetails } from './UserDetails';

afterEach(cleanup);

function quota(uid: number, name: string | null, qnkeys: number, qnbytes = 100): QuotaInfo {
  return { uid, name, usage: 1, nkeys: qnkeys, nikeys: qnkeys, qnkeys, maxkeys: 200, qnbytes, maxbytes: 20000 };
}

// Root's `all` scan: root's own session (anchored), alice (1000) with a user keyring and a login session, bob (1001).
const keys = [
  ring(1, '_ses', [2], { uid: 0 }),
  k(2, 'root-key', { uid: 0 }),
  ring(3, '.user_reg', [10, 11, 20], { uid: 0 }),
  ring(10, '_uid.1000', [100], { uid: 1000 }),
  ring(11, '_uid_ses.1000', [10], { uid: 1000 }),
  k(100, 'alice-token', { uid: 1000 }),
  // Payload lengths as /proc/keys states them (a keyring: 4 bytes a member); bob-other's type would state none.
  ring(20, '_uid.1001', [200, 201], { uid: 1001, payloadLength: 8 }),
  k(200, 'bob-nfs-key', { uid: 1001, payloadLength: 5 }),
  k(201, 'bob-other', { uid: 1001 }),
  ring(30, '_ses', [31], { uid: 1000 }),
  k(31, 'alice-session-key', { uid: 1000 }),
];
const quotas = [quota(0, 'root', 4), quota(1000, 'alice', 5), quota(1001, 'bob', 170, 1200)];
const model = buildTreeModel(new Map(keys.map((x) => [x.id, x])), { thread: null, process: null, session: 1, user: null, userSession: null, persistent: null }, { quotas, uid: 0, scope: { kind: 'all' } });

const label = (r: FlatRow) =>
  r.kind === 'section' ? `#${r.section}` : r.kind === 'user' ? ` ${r.label}` : r.kind === 'key' ? `${'  '.repeat(r.depth)}${r.key.description}` : r.kind;
const flat = (opts: Partial<Parameters<typeof flattenTree>[1]> = {}) => flattenTree(model, { expansion: new Map(), search: null, filter: false, ...opts });

describe('the Users section of the tree', () => {
  it('lists every uid after this process, each holding its user keyrings, sessions and unlinked keys; no orphans repeat them', () => {
    const rows = flat().map(label);
    const users = rows.slice(rows.indexOf('#users'), rows.indexOf('#kernel'));
    expect(users).toEqual([
      '#users',
      ' root (uid 0)',
      ' alice (uid 1000)',
      '    _uid.1000',
      '      alice-token',
      '    _uid_ses.1000',
      '      _uid.1000',
      '        alice-token',
      '    _ses',
      '      alice-session-key',
      ' bob (uid 1001)',
      '    _uid.1001',
      '      bob-nfs-key',
      '      bob-other',
    ]);
    expect(rows).not.toContain('#orphans'); // alice's session is under alice
  });

  it('reveals another user’s key through its user node', () => {
    const path = findRowPath(model, 200);
    expect(path).toEqual(['u:1001', 'u:1001/20', 'u:1001/20/200']);
    expect(sectionOfRowId(path![0]!)).toBe('sec:users');
  });

  it('search finds another user’s key, opens its user, and filtering keeps only that way to it', () => {
    const search = runSearch(model.keys, model.parents, 'bob-nfs');
    const rows = flat({ search, filter: true });
    expect(rows.map(label)).toContain(' bob (uid 1001)');
    const match = rows.find((r) => r.kind === 'key' && r.match);
    expect(match?.rowId).toBe('u:1001/20/200');
    expect(rows.map(label)).not.toContain(' alice (uid 1000)');
  });

  it('search by a user’s name finds the user node', () => {
    const search = runSearch(model.keys, model.parents, 'alice (');
    const user = flat({ search }).find((r) => r.kind === 'user' && r.group.uid === 1000);
    expect(user).toMatchObject({ match: true, dim: false });
  });
});

describe('QuotaGauge', () => {
  it('is a meter with its values, its level and a text label', () => {
    render(<QuotaGauge unit="keys" used={170} max={200} owner="bob (uid 1001)" />);
    const meter = screen.getByRole('meter', { name: 'bob (uid 1001): keys quota' });
    expect(meter.getAttribute('aria-valuenow')).toBe('170');
    expect(meter.getAttribute('aria-valuemin')).toBe('0');
    expect(meter.getAttribute('aria-valuemax')).toBe('200');
    expect(meter.getAttribute('aria-valuetext')).toBe('170 / 200 keys, 85 %, nearly full (80 % or more)');
    expect(meter.getAttribute('data-quota-level')).toBe('warn');
    expect(meter.textContent).toBe('170 / 200 keys, 85 %');
  });

  it('says full at 100 %, and stays in range when a lowered limit is passed', () => {
    render(<QuotaGauge unit="bytes" used={20500} max={20000} owner="x" large />);
    const meter = screen.getByRole('meter');
    expect(meter.getAttribute('aria-valuenow')).toBe('20000');
    expect(meter.getAttribute('data-quota-level')).toBe('full');
    expect(meter.textContent).toContain('full: the next add_key gets EDQUOT');
  });
});

describe('a user row and its details', () => {
  it('shows the name, both gauges and the level in words', () => {
    const row = flat().find((r) => r.kind === 'user' && r.group.uid === 1001)!;
    render(
      <div role="tree">
        <TreeRow row={row} index={0} start={0} selected={false} selectedUser focused observer={null} onToggle={() => {}} onActivate={() => {}} />
      </div>,
    );
    const item = screen.getByRole('treeitem');
    expect(item.getAttribute('data-user-uid')).toBe('1001');
    expect(item.getAttribute('aria-selected')).toBe('true');
    expect(within(item).getAllByRole('meter').map((m) => m.getAttribute('data-quota-unit'))).toEqual(['keys', 'bytes']);
    expect(item.textContent).toContain('nearly full (80 % or more)');
  });

  it('breaks the quota down by keyring', () => {
    const bob = model.users.find((g) => g.uid === 1001)!;
    render(<UserDetails group={bob} model={model} />);
    const table = screen.getByRole('table', { name: /By keys/ });
    const rows = within(table).getAllByRole('row').slice(1);
    // .user_reg holds bob's user keyring: the kernel's registry link counts like any other.
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringMatching(/^_uid\.1001.*2 \(67 %\)$/), expect.stringMatching(/^\.user_reg.*1 \(33 %\)$/)]);
    // By bytes: description + 1 + payload; "at least" where a key's size is unknown.
    const bytes = within(screen.getByRole('table', { name: /By bytes/ })).getAllByRole('row').slice(1);
    expect(bytes.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^\.user_reg.*18 \(2 %\)$/), // _uid.1001: 9 + 1 + 8, of qnbytes 1200
      expect.stringMatching(/^_uid\.1001.*at least 17 \(1 key of unknown size\) \(1 %\)$/), // bob-nfs-key: 11 + 1 + 5
    ]);
    expect(screen.getByTestId('bytes-explained').textContent).toMatch(
      /^Its 3 visible keys cost at least 35 bytes \(1 key of unknown size\) of the 1,200 charged\. 1,165 bytes, less what its 1 key of unknown size costs, are charged to no key this scan can see: a keyring keeps 4 bytes for each link the kernel’s garbage collector removed/,
    );
  });
});

describe('bytes charged to no visible key', () => {
  // carol's keyring had 3,000 links collected out of it: /proc/key-users charges her 12,000 bytes more than her
  // two visible keys cost (_uid.4303: 9 + 1 + 4; ci-tokens: 9 + 1 + 0).
  const carolKeys = [ring(50, '_uid.4303', [51], { uid: 4303, payloadLength: 4 }), ring(51, 'ci-tokens', [], { uid: 4303, payloadLength: 0 })];
  const carolModel = (qnbytes: number) =>
    buildTreeModel(new Map(carolKeys.map((x) => [x.id, x])), { thread: null, process: null, session: null, user: null, userSession: null, persistent: null }, {
      quotas: [quota(4303, 'carol', 2, qnbytes)],
      uid: 0,
      scope: { kind: 'all' },
    });
  const userRowOf = (m: ReturnType<typeof carolModel>) => flattenTree(m, { expansion: new Map(), search: null, filter: false }).find((r) => r.kind === 'user')!;
  const renderRow = (row: FlatRow) =>
    render(
      <div role="tree">
        <TreeRow row={row} index={0} start={0} selected={false} focused={false} observer={null} onToggle={() => {}} onActivate={() => {}} />
      </div>,
    );

  it('hatches that part of the bytes gauge and says how much on the row, the why in its title', () => {
    renderRow(userRowOf(carolModel(12_024)));
    const meter = screen.getByRole('meter', { name: 'carol (uid 4303): bytes quota' });
    expect(meter.getAttribute('aria-valuetext')).toBe('12,024 / 20,000 bytes, 60 %, 12,000 bytes in no visible key');
    expect(meter.querySelector('.gauge-unseen')).not.toBeNull();
    const badge = screen.getByTestId('quota-unseen');
    expect(badge.textContent).toBe('12,000 bytes in no visible key');
    expect(badge.getAttribute('title')).toMatch(/^12,000 bytes are charged to no key this scan can see: a keyring keeps 4 bytes for each link the kernel’s garbage collector removed/);
  });

  it('says nothing more when the visible keys account for the bytes', () => {
    renderRow(userRowOf(carolModel(24)));
    expect(screen.queryByTestId('quota-unseen')).toBeNull();
    expect(screen.getByRole('meter', { name: 'carol (uid 4303): bytes quota' }).querySelector('.gauge-unseen')).toBeNull();
  });

  it("hatches the graph's user node as the row, the why in its title; its size stays", async () => {
    const { buildGraphModel, userNodeId, USER_NODE_HEIGHT, USER_NODE_WIDTH } = await import('../graph/model');
    const { nodeTypes } = await import('../graph/nodes');
    const UserNodeView = nodeTypes.user!;
    const nodeOf = (m: ReturnType<typeof carolModel>) => {
      const item = buildGraphModel(m).byId.get(userNodeId(4303));
      if (item?.kind !== 'user') throw new Error('no user node');
      return item;
    };
    const renderNode = (m: ReturnType<typeof carolModel>) => {
      const item = nodeOf(m);
      expect([item.width, item.height]).toEqual([USER_NODE_WIDTH, USER_NODE_HEIGHT]);
      const props = { id: item.id, type: 'user', data: { item } } as unknown as ComponentProps<typeof UserNodeView>;
      return render(
        <ReactFlowProvider>
          <UserNodeView {...props} />
        </ReactFlowProvider>,
      ).container.querySelector('[data-user-uid="4303"]')!;
    };

    const m = carolModel(12_024);
    // The tree row's gap, computed once for the node.
    expect(nodeOf(m).gap).toBe((userRowOf(m) as Extract<FlatRow, { kind: 'user' }>).gap);
    const node = renderNode(m);
    const meter = within(node as HTMLElement).getByRole('meter', { name: 'carol (uid 4303): bytes quota' });
    expect(meter.getAttribute('aria-valuetext')).toBe('12,024 / 20,000 bytes, 60 %, 12,000 bytes in no visible key');
    expect(meter.querySelector('.gauge-unseen')).not.toBeNull();
    expect(node.getAttribute('title')).toMatch(/^carol \(uid 4303\)\n12,000 bytes are charged to no key this scan can see: a keyring keeps 4 bytes for each link/);
    cleanup();

    // 2 bytes: not material, nothing more on the node.
    const small = renderNode(carolModel(26));
    expect(small.querySelector('.gauge-unseen')).toBeNull();
    expect(small.getAttribute('title')).toBe('carol (uid 4303)');
  });

  it('sets the visible keys against the charge in the details, and explains the rest in one sentence', () => {
    const m = carolModel(12_024);
    render(<UserDetails group={m.users.find((g) => g.uid === 4303)!} model={m} />);
    const text = screen.getByTestId('bytes-explained').textContent!;
    expect(text).toMatch(/^Its 2 visible keys cost 24 bytes of the 12,024 charged\. 12,000 bytes are charged to no key this scan can see: /);
    expect(text).toMatch(/until the keyring is cleared or destroyed, and keys no view of this scan may see are charged too\.$/);
    expect(within(screen.getByRole('region', { name: 'Quota' })).getByTestId('bytes-explained')).toBeDefined();
  });

  it('gives a small difference as a number, without the sentence', () => {
    // 2 bytes: under 1 % of the limit and under 10 % of the 26 charged.
    const m = carolModel(26);
    render(<UserDetails group={m.users.find((g) => g.uid === 4303)!} model={m} />);
    expect(screen.getByTestId('bytes-explained').textContent).toBe('Its 2 visible keys cost 24 bytes of the 26 charged; 2 are in no key this scan can see.');
  });
});

describe('a user whose keyring no view may read', () => {
  it('counts its members under no keyring, and names the keyring', () => {
    // carol's `keyctl newring` keyring at its default mask: the scan saw it, not its members.
    const carolKeys = [ring(40, '_uid.1002', [41], { uid: 1002 }), ring(41, 'locked', null, { uid: 1002 }), k(42, 'inside', { uid: 1002 })];
    const carolModel = buildTreeModel(new Map(carolKeys.map((x) => [x.id, x])), { thread: null, process: null, session: null, user: null, userSession: null, persistent: null }, {
      quotas: [quota(1002, 'carol', 3)],
      uid: 0,
      scope: { kind: 'all' },
    });
    render(<UserDetails group={carolModel.users.find((g) => g.uid === 1002)!} model={carolModel} />);
    const rows = within(screen.getByRole('table', { name: /By keys/ })).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^no keyring this scan could read lists them2 \(67 %\)$/), // _uid.1002 itself, and inside
      expect.stringMatching(/^_uid\.1002.*1 \(33 %\)$/), // locked
    ]);
    expect(screen.getByTestId('unreadable-keyrings').textContent).toMatch(
      /^One of its keyrings grants no view of this scan Read \(keyctl newring’s default mask, 3f010000, lets the owner only view a keyring it does not possess\), so its members count under “no keyring this scan could read lists them”: locked00000029$/,
    );
  });
});

describe('users in the graph', () => {
  it('are top-level nodes in their own cluster, pointing at their keyrings and unlinked keys', async () => {
    const { buildGraphModel, userNodeId } = await import('../graph/model');
    const g = buildGraphModel(model);
    const users = g.nodes.filter((n) => n.kind === 'user');
    expect(users.map((n) => [n.id, n.kind === 'user' && n.label, n.cluster])).toEqual([
      ['u:0', 'root (uid 0)', 'users'],
      ['u:1000', 'alice (uid 1000)', 'users'],
      ['u:1001', 'bob (uid 1001)', 'users'],
    ]);
    expect(g.edges.filter((e) => e.source === userNodeId(1000)).map((e) => [e.kind, e.target])).toEqual([
      ['user', 'k:10'],
      ['user', 'k:11'],
      ['user', 'k:30'],
    ]);
    // Another user's keys sit in the Users cluster; the registry stays kernel-held, linking across.
    expect(g.byId.get('k:200')?.cluster).toBe('users');
    expect(g.byId.get('k:3')?.cluster).toBe('kernel');
    expect(g.edges.find((e) => e.id === 'l:3:20')).toMatchObject({ crossCluster: true });
  });
});

describe('users in exports', () => {
  it('map user names and uids in the Users section of the tree picture', async () => {
    const { buildTreeSvg } = await import('../export/treePicture');
    const people = [ring(40, '_uid.4301', [41], { uid: 4301 }), k(41, 'carol-secret', { uid: 4301 }), ring(42, '.user_reg', [40], { uid: 0 })];
    const snapshot = { takenAt: 1, uid: 0, gid: 0, groups: [], anchors: { thread: null, process: null, session: null, user: null, userSession: null, persistent: null }, keys: people, quotas: [quota(0, 'root', 1), quota(4301, 'carol', 2)], scope: { kind: 'all' as const } };
    const m = buildTreeModel(new Map(people.map((x) => [x.id, x])), snapshot.anchors, { quotas: snapshot.quotas, uid: 0, scope: snapshot.scope });
    const rows = flattenTree(m, { expansion: new Map(), search: null, filter: false });
    const svg = buildTreeSvg(rows, buildRedaction(snapshot, { uids: 'replace' }));
    expect(svg).not.toMatch(/carol|4301/);
    expect(svg).toContain('user1000 (uid 1000)');
    expect(svg).toContain('_uid.1000');
    expect(svg).toContain('root (uid 0)');
  });
});
