// One row of the keyring tree. Memoised on the row's fields (rows are re-created by every flatten,
// but the KeyInfo objects inside are reused for unchanged keys), so a delta re-renders only the
// rows it touched. What a row shows from the store (its key's role and flash, the decimal id switch) comes
// as props from the tree: a row that subscribed to the store itself had its selectors run on every change
// of the store, ~60 rows × 3 on each delta. Carries data-key-id (decimal) and data-key-flags for tests.
import { memo, type CSSProperties } from 'react';
import { permLettersMaybe, type Observer } from '../../../shared/perm';
import { effectivePermRange, POSSESSION_UNKNOWN } from '../../../shared/possession';
import type { FlatRow } from '../tree/flatten';
import { ANCHOR_LABELS } from '../tree/model';
import type { Highlight } from '../store/liveEvents';
import { hexId } from '../util/format';
import { KeyExpiry } from './KeyExpiry';
import { KeyIcon } from './KeyIcon';
import { RoleTag } from './RoleTag';
import { StateBadges } from './StateBadges';
import type { KeyRole } from '../../../shared/keyRoles';
import { UserRowContent } from '../users/UserRow';
import { useCompare } from '../compare/compareStore';

export const ROW_HEIGHT = 26;
const INDENT = 18;

export interface TreeRowProps {
  row: FlatRow;
  index: number;
  start: number;
  selected: boolean;
  /** For a user row: its user is the one chosen (the details panel shows its quota). */
  selectedUser?: boolean;
  focused: boolean;
  observer: Observer | null;
  /** A key row's role (tree/roles.ts roleOf); absent or null: none. */
  role?: KeyRole | null;
  /** A key row's flash after a change (the store's highlights). */
  highlight?: Highlight;
  /** The decimal id column is on (the header's "+ dec"). */
  decimalIds?: boolean;
  onToggle(row: FlatRow): void;
  onActivate(row: FlatRow, index: number): void;
}

function Chevron({ row, onToggle }: { row: FlatRow; onToggle(row: FlatRow): void }) {
  const expandable = row.kind === 'section' || ((row.kind === 'key' || row.kind === 'user') && row.expandable);
  if (!expandable) return <span className="chevron-space" />;
  const expanded = row.kind === 'section' || row.kind === 'key' || row.kind === 'user' ? row.expanded : false;
  return (
    <span
      className={`chevron${expanded ? ' open' : ''}`}
      aria-hidden="true"
      onClick={(e) => {
        e.stopPropagation();
        onToggle(row);
      }}
    >
      <svg viewBox="0 0 16 16" width="12" height="12">
        <path d="M6 3.5 10.5 8 6 12.5" fill="none" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}

/** Added or changed since the file of "Compare with…" (compare/), with what changed on hover. */
function CompareBadge({ id }: { id: number }) {
  const mark = useCompare((s) => s.result?.marks.get(id));
  if (!mark) return null;
  return mark.kind === 'added' ? (
    <span className="badge badge-cmp-added" title="Not in the file compared with">
      added
    </span>
  ) : (
    <span className="badge badge-cmp-changed" title={`Since the file compared with: ${mark.words}`}>
      changed
    </span>
  );
}

function HighlightedKeyRow({
  row,
  observer,
  role,
  hl,
  decimalIds,
}: {
  row: Extract<FlatRow, { kind: 'key' }>;
  observer: Observer | null;
  role: KeyRole | null;
  hl: Highlight | undefined;
  decimalIds: boolean;
}) {
  const k = row.key;
  const eff = observer ? effectivePermRange(k, observer) : null;
  const isRing = k.type === 'keyring';
  return (
    <>
      <KeyIcon type={k.type} />
      <span className="row-main">
        <RoleTag role={role} />
        {row.anchor && <span className="anchor-label">{ANCHOR_LABELS[row.anchor]}</span>}
        {!isRing && <span className="key-type">{k.type}</span>}
        <span className="key-desc" title={k.description}>
          {k.description}
        </span>
        {isRing && k.links === null && (
          <span className="badge badge-muted" title="This process may not read the keyring's member list: select it to see why, and the way in where there is one">
            not readable
          </span>
        )}
        {isRing && k.links && !row.cycle && (
          <span className="member-count">{k.links.length === 0 ? 'empty' : k.links.length}</span>
        )}
        {row.shared && (
          <span className="badge badge-shared" title="Linked from more than one keyring: it appears under each">
            shared
          </span>
        )}
        {row.inferred && (
          <span className="badge badge-inferred" title={row.inferred} data-testid="inferred-badge">
            probably here
          </span>
        )}
        {row.cycle && (
          <span className="badge badge-muted" title="This keyring is already open above on this path">
            ↻ cycle
          </span>
        )}
        <StateBadges flags={k.flags} timeout={k.timeout} />
        <CompareBadge id={k.id} />
      </span>
      {hl && <span className={`hl-marker hl-${hl.kind}`} key={hl.at} aria-hidden="true" />}
      <span className="col col-expiry">
        <KeyExpiry k={k} />
      </span>
      <span className="col col-usage" title="Usage count (references)">
        {k.usage}
      </span>
      <span
        className="col col-perm mono"
        title={
          eff !== null && eff.maybe !== eff.sure
            ? 'Your effective permissions (setattr link search write read view); ? is granted only if this process possesses the key, which it cannot tell'
            : 'Your effective permissions (setattr link search write read view)'
        }
      >
        {eff !== null ? permLettersMaybe(eff.sure, eff.maybe) : ''}
      </span>
      <span className="col col-poss" title={k.possessed ? 'Possessed by this process' : k.possessionUnknown ? `Possession unknown: ${POSSESSION_UNKNOWN}` : 'Not possessed'}>
        {k.possessed ? <span className="poss-dot" aria-label="possessed" /> : k.possessionUnknown ? <span className="poss-dot unknown" aria-label="possession unknown" /> : null}
      </span>
      <IdCells id={k.id} decimal={decimalIds} />
    </>
  );
}

function TreeRowImpl({ row, index, start, selected, selectedUser = false, focused, observer, role = null, highlight, decimalIds = false, onToggle, onActivate }: TreeRowProps) {
  const style: CSSProperties = { transform: `translateY(${start}px)`, paddingLeft: 6 + row.depth * INDENT };
  const common = {
    role: 'treeitem',
    'aria-level': row.depth + 1,
    'aria-posinset': row.pos,
    'aria-setsize': row.size,
    'aria-selected': row.kind === 'key' ? selected : undefined,
    tabIndex: focused ? 0 : -1,
    'data-row-id': row.rowId,
    'data-index': index,
    style,
    onClick: () => onActivate(row, index),
  } as const;
  const dim = row.dim ? ' dim' : '';

  switch (row.kind) {
    case 'section':
      return (
        <div {...common} aria-expanded={row.expanded} className={`tree-row section-row${focused ? ' focused' : ''}`}>
          <Chevron row={row} onToggle={onToggle} />
          <span className="section-label">{row.label}</span>
          <span className="section-count">{row.count}</span>
        </div>
      );
    case 'user':
      return (
        <div
          {...common}
          aria-expanded={row.expandable ? row.expanded : undefined}
          aria-selected={selectedUser}
          data-user-uid={row.group.uid}
          className={`tree-row user-row${selectedUser ? ' selected' : ''}${focused ? ' focused' : ''}${dim}${row.match ? ' match' : ''}`}
        >
          <Chevron row={row} onToggle={onToggle} />
          <UserRowContent group={row.group} gap={row.gap} label={row.label} />
        </div>
      );
    case 'anchor-none':
      return (
        <div {...common} className={`tree-row anchor-none${focused ? ' focused' : ''}${dim}`}>
          <span className="chevron-space" />
          <span className="key-icon-space" />
          <span className="row-main">
            <span className="anchor-label">{row.label}</span>
            <span className="none-label">none</span>
          </span>
        </div>
      );
    case 'pending':
      return (
        <div {...common} className={`tree-row pending-row${focused ? ' focused' : ''}`}>
          <span className="chevron-space" />
          <span className="row-main">
            <span className="none-label">{row.label}</span>
          </span>
        </div>
      );
    case 'hidden':
      return (
        <div {...common} className={`tree-row hidden-row${focused ? ' focused' : ''}${dim}`}>
          <span className="chevron-space" />
          <span className="key-icon-space" />
          <span className="row-main">
            <span className="none-label">member not visible to this process</span>
          </span>
          <IdCells id={row.keyId} decimal={decimalIds} />
        </div>
      );
    case 'ghost':
      return (
        <div
          {...common}
          className={`tree-row ghost-row${row.compared ? ' compared-ghost' : ''}${dim}`}
          data-ghost-key-id={row.key.id}
          aria-label={`removed: ${row.key.description}`}
          title={row.compared ? 'In the file compared with, not here' : undefined}
        >
          <span className="chevron-space" />
          <KeyIcon type={row.key.type} />
          <span className="row-main">
            <span className="key-desc">{row.key.description}</span>
            <span className={`badge ${row.compared ? 'badge-cmp-removed' : 'badge-muted'}`}>removed</span>
          </span>
          <IdCells id={row.key.id} decimal={decimalIds} />
        </div>
      );
    case 'key':
      return (
        <div
          {...common}
          aria-expanded={row.expandable ? row.expanded : undefined}
          data-key-id={row.key.id}
          data-key-flags={row.key.flags}
          className={`tree-row key-row${selected ? ' selected' : ''}${focused ? ' focused' : ''}${dim}${row.match ? ' match' : ''}${row.anchor ? ' anchor-row' : ''}`}
        >
          <Chevron row={row} onToggle={onToggle} />
          <HighlightedKeyRow row={row} observer={observer} role={role} hl={highlight} decimalIds={decimalIds} />
        </div>
      );
  }
}

/** The same fields with the same values (a flatten makes every row anew): a loop, no arrays of keys made. */
function sameRow(a: FlatRow, b: FlatRow): boolean {
  if (a === b) return true;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  let fields = 0;
  for (const f in x) {
    if (x[f] !== y[f]) return false;
    fields++;
  }
  for (const f in y) if (--fields < 0 || !(f in x)) return false;
  return fields === 0;
}

export const TreeRow = memo(
  TreeRowImpl,
  (p, n) =>
    p.index === n.index &&
    p.start === n.start &&
    p.selected === n.selected &&
    p.selectedUser === n.selectedUser &&
    p.focused === n.focused &&
    p.observer === n.observer &&
    p.role === n.role &&
    p.highlight === n.highlight &&
    p.decimalIds === n.decimalIds &&
    p.onToggle === n.onToggle &&
    p.onActivate === n.onActivate &&
    sameRow(p.row, n.row),
);

/** The id column, and the decimal one when it is switched on (the header's "+ dec" button). */
function IdCells({ id, decimal }: { id: number; decimal: boolean }) {
  return (
    <>
      {decimal && <span className="col col-dec mono">{id}</span>}
      <span className="col col-id mono">{hexId(id)}</span>
    </>
  );
}
