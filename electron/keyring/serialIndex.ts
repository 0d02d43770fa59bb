// KeyTable's index of serials in WebAssembly memory, built and looked up a list at a time by serialIndex.wat: the
// same slots as KeyTable's own (same hash, same probing, rows inserted in the same order), so KeyTable.rowOf reads
// them as it reads its own and keeps them up to date as rows are added. Why: a one-shot scan builds the index of
// every row and looks up every member of every keyring once each, and those loops ran cold in JavaScript.
import { SERIAL_INDEX_WASM } from './wasmModules';
import { freshMemory, hasWebAssembly, instantiate, MemoryLayout } from './wasmArena';

interface Exports {
  build(ids: number, from: number, to: number, slotIds: number, slotRows: number, mask: number): void;
  lookup(list: number, count: number, out: number, slotIds: number, slotRows: number, mask: number): number;
}

/** Members looked up per call (a longer list goes in pieces). */
const CHUNK = 65536;

export interface SerialIndex {
  /** The slots (views of the module's memory, which never grows: they stay valid). */
  readonly slotIds: Int32Array;
  readonly slotRows: Int32Array;
  /** KeyTable.rowOf of each of `ids` into `into` (-1: none); returns how many have none. */
  lookup(ids: readonly number[] | Int32Array, into: Int32Array): number;
}

/** The index of rows [0, n) of `ids` over `size` slots (a power of two), or null without WebAssembly. */
export function serialIndex(ids: Int32Array, n: number, size: number): SerialIndex | null {
  if (!hasWebAssembly()) return null;
  const layout = new MemoryLayout(8);
  const o = { slotIds: layout.take(size * 4), slotRows: layout.take(size * 4), ids: layout.take(n * 4), list: layout.take(CHUNK * 4), out: layout.take(CHUNK * 4) };
  const memory = freshMemory(layout.end);
  const wasm = instantiate<Exports>(SERIAL_INDEX_WASM, memory);
  const buffer = memory.buffer;
  const mask = size - 1;
  new Int32Array(buffer, o.ids, n).set(ids.subarray(0, n));
  wasm.build(o.ids, 0, n, o.slotIds, o.slotRows, mask);
  const list = new Int32Array(buffer, o.list, CHUNK);
  const out = new Int32Array(buffer, o.out, CHUNK);
  return {
    slotIds: new Int32Array(buffer, o.slotIds, size),
    slotRows: new Int32Array(buffer, o.slotRows, size),
    lookup(members, into) {
      let missing = 0;
      for (let at = 0; at < members.length; at += CHUNK) {
        const count = Math.min(CHUNK, members.length - at);
        list.set(count === members.length ? members : members.slice(at, at + count));
        missing += wasm.lookup(o.list, count, o.out, o.slotIds, o.slotRows, mask);
        into.set(out.subarray(0, count), at);
      }
      return missing;
    },
  };
}
