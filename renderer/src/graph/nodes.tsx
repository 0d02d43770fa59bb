// The graph's custom nodes (memoised; `nodeTypes` is module-level so xyflow never remounts them):
// a key or keyring, a folded group of leaf keys, "this process", and the box behind a side cluster.
// Each reads selection, search and live highlights from the shared store itself, so a store change
// re-renders only the nodes whose look it changes.
import { Handle, Position, type Node, type NodeProps, type NodeTypes } from '@xyflow/react';
import { memo } from 'react';
import { ANCHOR_LABELS } from '../tree/model';
import { useKb } from '../store';
import { KeyExpiry } from '../components/KeyExpiry';
import { KeyIcon } from '../components/KeyIcon';
import { RoleTag } from '../components/RoleTag';
import { keyRoleIn } from '../tree/roles';
import { useShallow } from 'zustand/react/shallow';
import { StateBadges } from '../components/StateBadges';
import { hexId } from '../util/format';
import { CLUSTER_LABELS, groupBreakdown, groupInside, groupTitle, type ClusterId, type GroupNodeItem, type KeyNodeItem, type UserNodeItem } from './model';
import { QUOTA_LEVEL_WORDS, worstQuotaLevel } from '../../../shared/quota';
import { QuotaGauge } from '../users/QuotaGauge';
import { UserIcon, unseenOf } from '../users/UserRow';
import { quotaGapSentence } from '../../../shared/quotaGap';
import { pinSummary } from './pinSummary';
import { MiddleEllipsis } from '../components/MiddleEllipsis';
import { counted } from '../../../shared/text';

export type KeyNode = Node<{ item: KeyNodeItem }, 'key'>;
export type GroupNode = Node<{ item: GroupNodeItem }, 'group'>;
export type ProcessNode = Node<{ uid: number | null }, 'process'>;
export type ClusterNode = Node<{ cluster: ClusterId }, 'cluster'>;
export type UserNode = Node<{ item: UserNodeItem }, 'user'>;
export type GraphFlowNode = KeyNode | GroupNode | ProcessNode | ClusterNode | UserNode;

/** Handles exist only so xyflow can anchor edges: invisible, never connectable. */
function Handles() {
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className="graph-handle" />
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
    </>
  );
}

const KeyNodeView = memo(function KeyNodeView({ data }: NodeProps<KeyNode>) {
  const { item } = data;
  const k = item.key;
  const id = k.id;
  const selected = useKb((s) => s.selectedId === id);
  const searchState = useKb((s) => (s.search ? (s.search.matches.has(id) ? 'match' : s.search.ancestors.has(id) ? 'path' : 'dim') : null));
  const hl = useKb((s) => s.highlights.get(id));
  const role = useKb(useShallow((s) => keyRoleIn(s, id)));
  const hasCountdown = k.expiry !== null;
  const pins = pinSummary(k.pins, hasCountdown);
  const isRing = k.type === 'keyring';
  const cls = [
    'graph-node',
    `graph-node-${isRing ? 'keyring' : 'key'}`,
    item.anchors.length ? 'anchor' : '',
    selected ? 'selected' : '',
    searchState ?? '',
    k.doomed ? 'doomed' : '',
    item.shared ? 'shared' : '',
  ].filter(Boolean).join(' ');
  return (
    <div className={cls} data-key-id={id} data-key-flags={k.flags} title={`${k.type} “${k.description}” (${hexId(id)})`}>
      <Handles />
      {hl && <span className={`hl-marker hl-${hl.kind}`} key={hl.at} aria-hidden="true" />}
      {item.anchors.length > 0 && (
        <div className="graph-anchor-label">{item.anchors.map((a) => ANCHOR_LABELS[a]).join(' · ')}</div>
      )}
      <div className="graph-line1">
        <KeyIcon type={k.type} />
        <RoleTag role={role} />
        {!isRing && <span className="key-type">{k.type}</span>}
        <MiddleEllipsis className="key-desc" text={k.description || '(no description)'} />
        {isRing && k.links === null && <span className="badge badge-muted" title="This process may not read the keyring's member list">unreadable</span>}
        {isRing && k.links && <span className="member-count">{k.links.length === 0 ? 'empty' : k.links.length}</span>}
      </div>
      <div className="graph-line2">
        <code className="graph-id">{hexId(id)}</code>
        <StateBadges flags={k.flags} timeout={k.timeout} />
        {item.shared && <span className="badge badge-shared" title="Linked from more than one keyring">shared</span>}
        {pins && (
          <span className={`badge graph-pins${pins.count === 0 ? ' none' : ''}`} title={pins.long}>
            {pins.short}
          </span>
        )}
        {hasCountdown && <KeyExpiry k={k} />}
      </div>
    </div>
  );
});

const GroupNodeView = memo(function GroupNodeView({ data }: NodeProps<GroupNode>) {
  const { item } = data;
  const matches = useKb((s) => (s.search ? item.innerIds.reduce((n, m) => (s.search!.matches.has(m) ? n + 1 : n), 0) : -1));
  const holdsSelection = useKb((s) => s.selectedId != null && item.innerIds.includes(s.selectedId));
  const breakdown = groupBreakdown(item);
  const inside = groupInside(item);
  const cls = ['graph-node', 'graph-group', holdsSelection ? 'selected' : '', matches === 0 ? 'dim' : matches > 0 ? 'match' : ''].filter(Boolean).join(' ');
  return (
    <div className={cls} data-group-of={item.ringId} title={`${groupTitle(item)} of a big keyring, folded: click to show each one${inside ? ` (${inside})` : ''}`}>
      <Handles />
      <div className="graph-line1">
        <KeyIcon type={item.typeCounts[0]?.[0] ?? 'user'} />
        <span className="key-desc">{groupTitle(item)}</span>
        <span className="graph-open-hint">show</span>
      </div>
      <div className="graph-line2">
        <span className="muted">{inside ?? breakdown ?? `folded from ${hexId(item.ringId)}`}</span>
        {matches > 0 && <span className="badge badge-shared">{counted(matches, 'match', 'matches')}</span>}
      </div>
    </div>
  );
});

const ProcessNodeView = memo(function ProcessNodeView({ data }: NodeProps<ProcessNode>) {
  return (
    <div className="graph-node graph-process" data-process-node="">
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
      <div className="graph-line1">
        <svg className="graph-process-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
          <rect x="1.5" y="2.5" width="13" height="11" rx="1.5" fill="none" strokeWidth="1.5" />
          <path d="M4 6.5 6.2 8.5 4 10.5M7.8 10.5h3.5" fill="none" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        <span className="key-desc">This process</span>
      </div>
      <div className="graph-line2 muted">{data.uid != null ? `uid ${data.uid} · credentials` : 'credentials'}</div>
    </div>
  );
});

const UserNodeView = memo(function UserNodeView({ data }: NodeProps<UserNode>) {
  const { item } = data;
  const uid = item.group.uid;
  const selected = useKb((s) => s.selectedUser === uid);
  const q = item.group.quota;
  const level = q ? worstQuotaLevel(q) : 'ok';
  // As the tree's user row: the bytes no visible key accounts for hatched in the gauge; why, in the node's title.
  const unseen = unseenOf(item.gap);
  const why = item.gap && quotaGapSentence(item.gap, uid);
  const title = `${item.label}${level === 'ok' ? '' : `: quota ${QUOTA_LEVEL_WORDS[level]}`}${why ? `\n${why}` : ''}`;
  return (
    <div className={`graph-node graph-user quota-level-${level}${selected ? ' selected' : ''}`} data-user-uid={uid} title={title}>
      <Handle type="source" position={Position.Right} isConnectable={false} className="graph-handle" />
      <div className="graph-line1">
        <UserIcon />
        <span className="key-desc">{item.label}</span>
      </div>
      <div className="graph-line2">
        {q ? (
          <>
            <QuotaGauge unit="keys" used={q.qnkeys} max={q.maxkeys} owner={item.label} compact />
            <QuotaGauge unit="bytes" used={q.qnbytes} max={q.maxbytes} owner={item.label} compact unseen={unseen} />
          </>
        ) : (
          <span className="muted">no quota line</span>
        )}
      </div>
    </div>
  );
});

const ClusterNodeView = memo(function ClusterNodeView({ data }: NodeProps<ClusterNode>) {
  return (
    <div className={`graph-cluster graph-cluster-${data.cluster}`} data-cluster={data.cluster}>
      <div className="graph-cluster-title">{CLUSTER_LABELS[data.cluster]}</div>
    </div>
  );
});

export const nodeTypes: NodeTypes = {
  key: KeyNodeView,
  group: GroupNodeView,
  process: ProcessNodeView,
  cluster: ClusterNodeView,
  user: UserNodeView,
};
