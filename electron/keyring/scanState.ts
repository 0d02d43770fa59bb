// What one scan found, before it becomes a Snapshot: the keys as table rows (keyTable.ts) plus what the
// walk learned (member lists, possession, reachability). A Snapshot needs one object per key; the one-shot
// CLI's JSON does not keep them (snapshotJson.ts makes them a batch at a time), so both start from here.
import { expiryFromColumn } from '../../shared/expiry';
import type { Anchors, KeyInfo, Pin, QuotaInfo, ScanScope, Snapshot } from '../../shared/snapshot';
import { seenByLabels, type SeenBy } from './userViews';
import type { KeyTable } from './keyTable';
import type { KeyringLinks, PinEnvironment } from './pins';
import type { MemberRowsByRow } from './scanContext';

export interface ScanState {
  takenAt: number;
  uid: number;
  gid: number;
  groups: number[];
  anchors: Anchors;
  quotas: QuotaInfo[];
  table: KeyTable;
  /** Table rows in ascending serial order: the snapshot's key order. */
  order: Int32Array;
  /** Member lists of the keyrings read (null: may not be read), without vanished or hidden members. */
  members: ReadonlyMap<number, number[] | null>;
  /** The same lists as table rows, by the keyring's row (scanContext.ts memberRowsByRow). */
  memberRows: MemberRowsByRow;
  /** 1 for each possessed row. */
  possessed: Uint8Array;
  /** 1 for each row whose possession cannot be told (KeyInfo.possessionUnknown); absent when there is none. */
  possessionUnknown?: Uint8Array;
  /** 1 for each row reachable from an anchor or a kernel-held keyring (the rest are orphans). */
  reachable: Uint8Array;
  /** What the pin analysis needs beyond the keys, read while the scan ran. */
  pinEnvironment: Promise<PinEnvironment>;
  /** Absent for the process's own view. */
  scope?: ScanScope;
  /** Which views list each key (scopes other than 'process'). */
  seenBy?: SeenBy;
}

const NO_PINS: Pin[] = [];

/** The KeyInfo of one row, without pins (annotatePins / annotateKey add them). */
export function keyInfoAt(state: ScanState, row: number): KeyInfo {
  const t = state.table;
  const id = t.id[row] as number;
  const timeout = t.timeout(row);
  const type = t.type(row) ?? t.typeCut(row);
  const info: KeyInfo = {
    id,
    type,
    description: t.description(row) ?? t.rest(row),
    uid: t.uid[row] as number,
    gid: t.gid[row] as number,
    perm: t.perm[row] as number,
    flags: t.flags(row),
    usage: t.usage[row] as number,
    timeout,
    // The kernel printed the column at some second between the scan's start and the end of the read.
    expiry: timeout === 'perm' ? null : expiryFromColumn(timeout, state.takenAt, t.readAt[row] as number),
    possessed: state.possessed[row] === 1,
    orphan: state.reachable[row] !== 1,
    // Set by the pin analysis; declared here so every key keeps one object shape (faster at 40k keys).
    pins: NO_PINS,
    doomed: null,
  };
  const payloadLength = t.payloadLength(row);
  if (payloadLength !== undefined) info.payloadLength = payloadLength;
  if (state.possessionUnknown?.[row] === 1) info.possessionUnknown = true;
  if (type === 'keyring') info.links = state.members.get(id) ?? null;
  if (state.seenBy !== undefined) info.seenBy = seenByLabels(state.seenBy, row);
  return info;
}

/** The snapshot's fields other than its keys, in the order JSON.stringify(snapshot) writes them. */
export function snapshotHead(state: ScanState): Omit<Snapshot, 'keys' | 'quotas'> {
  return { takenAt: state.takenAt, uid: state.uid, gid: state.gid, groups: state.groups, anchors: state.anchors };
}

/** The whole Snapshot (keys without pins yet). */
export function snapshotOf(state: ScanState): Snapshot {
  const keys = new Array<KeyInfo>(state.order.length);
  for (let i = 0; i < keys.length; i++) keys[i] = keyInfoAt(state, state.order[i] as number);
  const snapshot: Snapshot = { ...snapshotHead(state), keys, quotas: state.quotas };
  if (state.scope !== undefined) snapshot.scope = state.scope;
  return snapshot;
}

/** The keyrings of the scan, in serial order, as the pin analysis wants them (pins.ts pinContext), with their members' rows. */
export function keyringsOf(state: ScanState): KeyringLinks[] {
  const t = state.table;
  const order = state.order;
  const keyrings: KeyringLinks[] = [];
  // An indexed loop over the rows' member lists (undefined for all but keyrings): a generator or for…of over 40k
  // rows is slow in code that runs once, cold.
  for (let i = 0; i < order.length; i++) {
    const row = order[i] as number;
    const rows = state.memberRows[row];
    if (rows === undefined && !t.isKeyring(row)) continue;
    const id = t.id[row] as number;
    keyrings.push({ id, type: 'keyring', description: t.description(row) ?? t.rest(row), links: state.members.get(id) ?? null, linkRows: rows ?? null });
  }
  return keyrings;
}

