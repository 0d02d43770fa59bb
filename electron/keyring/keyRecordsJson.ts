// The snapshot's key records as JSON bytes, for the one-shot CLI (snapshotJson.ts): the plain records (permanent,
// no flag that dooms the key, an ASCII description read from /proc/keys, held by a link or a reference, no user
// keyring's pin, possession known; with other users' views, the views that list it too) are written by a WebAssembly module (keyRecordsJson.wat) straight from the table's columns; every
// other record is made as before (keyInfoAt, annotateKey) and written with JSON.stringify, in its place. The bytes
// are exactly what JSON.stringify writes for the same keys (keyRecordsJson.test.ts compares them).
// Why: the JSON phase runs once per process, so its JavaScript runs cold (V8's interpreter and baseline code):
// 40k key objects, their pins and their JSON cost more than the scan that found them. The module is compiled at
// once by V8's baseline compiler, runs its byte loops several times faster, and leaves V8's collector nothing.
import { decodeFlags } from '../../shared/flags';
import type { KeyTable } from './keyTable';
import { FLAG_STRINGS } from './keyTable';
import { KEY_RECORDS_JSON_WASM } from './wasmModules';
import { arenaWithText, freshMemory, hasWebAssembly, instantiate, MemoryLayout, READ_AT, reserve } from './wasmArena';
import { annotateKey, isUserRegistry, pinContextOfLinks, type InboundLinks, type LinkPin, type PinEnvironment } from './pins';
import { keyInfoAt, type ScanState } from './scanState';

interface Exports {
  layout(...offsets: number[]): void;
  keyringRows(n: number, at: number): number;
  inbound(m: number, n: number): void;
  write(i: number, m: number): number;
  written(): number;
}

/** The module's own literals lie below this offset. */
const FIRST_COLUMN = 512;
/** The output area: each fill is written out, then reused (its pages are touched once). */
const OUT_BYTES = 256 << 10;
/** A user keyring, whose pin (pins.ts userKeyringPin) the module does not write. */
const USER_KEYRING = /^_uid(?:_ses)?\.\d+$/;
/** Type index -> what the module writes of its payload length (payloadLength.ts): none, user/logon, keyring, big_key. */
const PAYLOAD_FORM: Readonly<Record<string, number>> = { user: 1, logon: 1, keyring: 2, big_key: 3 };
const KEYRING_KIND = 4;
const WRITTEN_KIND = 8;

/**
 * Writes the records of `state.order`'s keys, comma-separated (no brackets): bytes through `writeBytes` (a view
 * the call reuses: write it out before returning), the records made in JavaScript through `write`, with the pins'
 * inbound links the module gathered (pins.ts pinContext's, without building them again in JavaScript over every
 * member). Returns false, having written nothing, where the module does not apply (member lists whose rows do not
 * match): the caller writes them all.
 */
export function writeKeyRecords(
  state: ScanState,
  env: PinEnvironment,
  write: (chunk: string) => void,
  writeBytes: (chunk: Uint8Array) => void,
): boolean {
  // (Without WebAssembly, as under `node --jitless`, the caller writes them all as before.)
  if (!hasWebAssembly()) return false;
  const t = state.table;
  const n = t.length;
  const order = state.order;
  const m = order.length;
  const columns = t.recordColumns();
  const lists = memberLists(state);
  if (lists === null) return false;

  // The one source the module reads descriptions from: the first row's, if it is bytes (or ASCII, the same).
  const mainSource = n > 0 ? (columns.sourceIndex[0] as number) : -1;
  const source = mainSource >= 0 ? (columns.sources[mainSource] as string) : '';
  const usable = columns.byteSources[mainSource] === true || Buffer.byteLength(source, 'utf8') === source.length;
  const typeJson = columns.types.map((type) => Buffer.from(JSON.stringify(type), 'utf8'));
  // Each distinct list of views' labels as JSON (userViews.ts SeenBy), and each row's list.
  const seenBy = state.seenBy;
  if (seenBy !== undefined && seenBy.listOf.length < n) return false;
  const seenByJson = (seenBy?.labels ?? []).map((labels) => Buffer.from(JSON.stringify(labels), 'utf8'));

  // Layout: after the source where the read left it (wasmArena.ts), else after the module's own literals.
  const arena = usable ? arenaWithText(source) : null;
  const layout = new MemoryLayout(arena === null ? FIRST_COLUMN : READ_AT + source.length);
  const take = (bytes: number): number => layout.take(bytes);
  const o = {
    order: take(m * 4),
    id: take(n * 4),
    uid: take(n * 4),
    gid: take(n * 4),
    perm: take(n * 4),
    usage: take(n * 4),
    typeIndex: take(n * 4),
    timeoutIndex: take(n * 4),
    sourceIndex: take(n * 4),
    descStart: take(n * 4),
    descEnd: take(n * 4),
    restEnd: take(n * 4),
    flagMask: take(n),
    possessed: take(n),
    reachable: take(n),
    special: take(n),
    linkStart: take(n * 4),
    linkCount: take(n * 4),
    links: take(lists.total * 4),
    linkRows: take(lists.total * 4),
    inStart: take((n + 1) * 4),
    inRing: take(lists.total * 4),
    typeKind: take(typeJson.length),
    typeJson: take(typeJson.length * 8),
    typeText: take(typeJson.reduce((sum, b) => sum + b.length, 0)),
    plainFlags: take(128),
    seenBy: take(seenBy === undefined ? 0 : n * 4),
    seenByJson: take(seenByJson.length * 8),
    seenByText: take(seenByJson.reduce((sum, b) => sum + b.length, 0)),
    scratch: take(n * 4),
    source: arena === null ? take(source.length) : READ_AT,
    out: take(OUT_BYTES),
  };
  const memory = arena ?? freshMemory(layout.end);
  reserve(memory, layout.end);
  const wasm = instantiate<Exports>(KEY_RECORDS_JSON_WASM, memory);
  const buffer = memory.buffer;
  const i32 = (offset: number, length: number): Int32Array => new Int32Array(buffer, offset, length);
  const u32 = (offset: number, length: number): Uint32Array => new Uint32Array(buffer, offset, length);
  const u8 = (offset: number, length: number): Uint8Array => new Uint8Array(buffer, offset, length);

  i32(o.order, m).set(order);
  i32(o.id, n).set(t.id.subarray(0, n));
  u32(o.uid, n).set(t.uid.subarray(0, n));
  u32(o.gid, n).set(t.gid.subarray(0, n));
  u32(o.perm, n).set(t.perm.subarray(0, n));
  i32(o.usage, n).set(t.usage.subarray(0, n));
  i32(o.typeIndex, n).set(columns.typeIndex.subarray(0, n));
  i32(o.timeoutIndex, n).set(columns.timeoutIndex.subarray(0, n));
  i32(o.sourceIndex, n).set(columns.sourceIndex.subarray(0, n));
  i32(o.descStart, n).set(columns.descStart.subarray(0, n));
  i32(o.descEnd, n).set(columns.descEnd.subarray(0, n));
  i32(o.restEnd, n).set(t.restEnd.subarray(0, n));
  u8(o.flagMask, n).set(t.flagMask.subarray(0, n));
  u8(o.possessed, n).set(state.possessed.subarray(0, n));
  u8(o.reachable, n).set(state.reachable.subarray(0, n));
  const linkStart = i32(o.linkStart, n);
  const linkCount = i32(o.linkCount, n).fill(-1);
  const links = i32(o.links, lists.total);
  const linkRows = i32(o.linkRows, lists.total);
  let next = 0;
  for (const { row, ids, rows } of lists.rings) {
    if (ids === null) continue;
    linkStart[row] = next;
    linkCount[row] = ids.length;
    links.set(ids, next);
    linkRows.set(rows as Int32Array, next);
    next += ids.length;
  }
  const typeKind = u8(o.typeKind, typeJson.length);
  const typeSpans = i32(o.typeJson, typeJson.length * 2);
  let textAt = o.typeText;
  columns.types.forEach((type, k) => {
    typeKind[k] = WRITTEN_KIND | (PAYLOAD_FORM[type] ?? 0) | (type === 'keyring' ? KEYRING_KIND : 0);
    const json = typeJson[k] as Buffer;
    u8(textAt, json.length).set(json);
    typeSpans[2 * k] = textAt;
    typeSpans[2 * k + 1] = json.length;
    textAt += json.length;
  });
  const plainFlags = u8(o.plainFlags, 128);
  for (let mask = 0; mask < 128; mask++) {
    const s = decodeFlags(FLAG_STRINGS[mask] as string, 'perm');
    plainFlags[mask] = s.invalidated || s.dead || s.revoked || s.negative ? 0 : 1;
  }
  if (seenBy !== undefined) {
    i32(o.seenBy, n).set(seenBy.listOf.subarray(0, n));
    const spans = i32(o.seenByJson, seenByJson.length * 2);
    let at = o.seenByText;
    seenByJson.forEach((json, k) => {
      u8(at, json.length).set(json);
      spans[2 * k] = at;
      spans[2 * k + 1] = json.length;
      at += json.length;
    });
  }
  if (usable && arena === null) Buffer.from(buffer, o.source, source.length).write(source, 'latin1');

  wasm.layout(
    o.order, o.id, o.uid, o.gid, o.perm, o.usage, o.typeIndex, o.timeoutIndex, o.sourceIndex, o.descStart, o.descEnd,
    o.restEnd, o.flagMask, o.possessed, o.reachable, o.special, o.linkStart, o.linkCount, o.links, o.linkRows,
    o.inStart, o.inRing, o.typeKind, o.typeJson, columns.types.length, columns.timeouts.indexOf('perm'), o.plainFlags,
    o.source, usable ? mainSource : -1, o.out, o.out + OUT_BYTES, o.seenBy, o.seenByJson, seenByJson.length,
  );

  // User keyrings carry a pin the module does not write. The user registries among the keyrings (as pinContext
  // reads keyringsOf: every keyring row and every row with a member list) are the pin's to look for.
  const special = u8(o.special, n);
  const registries = new Set<number>();
  const keyrings = wasm.keyringRows(n, o.scratch);
  const keyringRows = i32(o.scratch, keyrings);
  for (let k = 0; k < keyrings; k++) {
    const row = keyringRows[k] as number;
    const description = t.description(row);
    if (USER_KEYRING.test(description ?? '')) special[row] = 1;
    if (isUserRegistry(description ?? t.rest(row))) registries.add(t.id[row] as number);
  }
  for (const { row } of lists.rings) if (isUserRegistry(t.description(row) ?? t.rest(row))) registries.add(t.id[row] as number);
  // So do keys whose possession cannot be told (KeyInfo.possessionUnknown).
  const unknown = state.possessionUnknown;
  if (unknown !== undefined) for (let row = 0; row < n; row++) if (unknown[row] === 1) special[row] = 1;
  wasm.inbound(m, n);
  const inbound = new ModuleInbound(t, i32(o.inStart, n + 1), i32(o.inRing, lists.total));
  const context = pinContextOfLinks(inbound, registries, state, env);

  const out = u8(o.out, OUT_BYTES);
  for (let i = 0; i < m; ) {
    const stop = wasm.write(i, m);
    const written = wasm.written();
    if (written > 0) writeBytes(out.subarray(0, written));
    if (stop > i) {
      i = stop;
      continue;
    }
    // A record the module does not write.
    const row = order[i] as number;
    const key = keyInfoAt(state, row);
    inbound.hint = row; // annotateKey asks for this key's links first
    annotateKey(key, context);
    const json = JSON.stringify(key);
    write(i === 0 ? json : `,${json}`);
    i++;
  }
  return true;
}

/**
 * The inbound links the module gathered (its inStart/inRing: row r's keyrings' serials at [inStart[r], inStart[r + 1])),
 * as pins.ts addInboundLinks would have built them: one pin, or an array of them in the keyrings' order. Asked only
 * for the few records made in JavaScript, by serial, the row being written given as `hint`.
 */
class ModuleInbound implements InboundLinks {
  hint = -1;

  constructor(
    private readonly table: KeyTable,
    private readonly inStart: Int32Array,
    private readonly inRing: Int32Array,
  ) {}

  get(id: number): LinkPin | LinkPin[] | undefined {
    const t = this.table;
    const row = this.hint >= 0 && this.hint < this.inStart.length - 1 && t.id[this.hint] === id ? this.hint : t.rowOf(id);
    if (row < 0 || row >= this.inStart.length - 1) return undefined;
    const start = this.inStart[row] as number;
    const end = this.inStart[row + 1] as number;
    if (end === start) return undefined;
    const pins: LinkPin[] = [];
    for (let k = start; k < end; k++) pins.push({ kind: 'link', from: this.inRing[k] as number });
    return pins.length === 1 ? pins[0] : pins;
  }

  set(): never {
    throw new Error('the key records module gathered the inbound links: none are added');
  }
}

interface MemberLists {
  rings: { row: number; ids: readonly number[] | null; rows: Int32Array | null }[];
  total: number;
}

/**
 * The member lists the pin analysis reads (scanState.ts keyringsOf: keyrings and rows with member rows), by row;
 * null where a list's rows do not match its serials (the module would not find the same links).
 */
function memberLists(state: ScanState): MemberLists | null {
  const t: KeyTable = state.table;
  const rings: MemberLists['rings'] = [];
  let total = 0;
  for (const [ring, ids] of state.members) {
    const row = t.rowOf(ring);
    if (row < 0) continue;
    const rows = state.memberRows[row];
    if (rows === undefined && !t.isKeyring(row)) continue;
    if (ids !== null && (rows === undefined || rows === null || rows.length !== ids.length)) return null;
    rings.push({ row, ids, rows: rows ?? null });
    if (ids !== null) total += ids.length;
  }
  return { rings, total };
}
