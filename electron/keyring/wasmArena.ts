// WebAssembly memory for the one-shot CLI's modules (procKeysParse.wat, keyRecordsJson.wat), and the one read that
// lands in it. Why: on this kind of VM each page a process touches for the first time costs ~15 µs (the host backs
// it then), so /proc/keys read into a buffer and then copied into a module's memory cost ~1,000 more page faults
// at 40k keys: the read's first chunk is a view of this memory (keyctl.readOpenedOnPool), where the parse reads it.

// Node has WebAssembly; this project's type libraries (ES2022, @types/node 20) do not declare it.
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
};

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export const PAGE_BYTES = 65536;
/** Where the read lands: the modules' own constants lie below. */
export const READ_AT = PAGE_BYTES;
/**
 * The arena's most pages (a 32-bit memory's limit, as without a maximum), given so that V8 reserves the whole range
 * at once (with or without guard regions): the arena grows within [start, start + ARENA_MAX_BYTES).
 */
const ARENA_MAX_PAGES = 65536;
export const ARENA_MAX_BYTES = ARENA_MAX_PAGES * PAGE_BYTES;

let arena: WasmMemory | null = null;

export function hasWebAssembly(): boolean {
  return typeof WebAssembly !== 'undefined';
}

/**
 * The view of `bytes` at READ_AT in a fresh memory of the arena, for the process's first read of /proc/keys (later
 * reads get null: a view the scan of an earlier read still reads must not be written over). Pages are touched only
 * as far as the read fills them.
 */
export function arenaForRead(bytes: number): Uint8Array | null {
  if (arena !== null || !hasWebAssembly()) return null;
  arena = new WebAssembly.Memory({ initial: Math.ceil((READ_AT + bytes) / PAGE_BYTES), maximum: ARENA_MAX_PAGES });
  return new Uint8Array(arena.buffer, READ_AT, bytes);
}

/** The arena's memory if `bytes` lie in it at READ_AT (the read's own view), else null. */
export function arenaHolding(bytes: Uint8Array): WasmMemory | null {
  if (arena === null || bytes.byteOffset !== READ_AT || bytes.buffer !== arena.buffer) return null;
  return arena;
}

/** The text of the bytes at READ_AT in the arena, once a parse has read them there (procKeysBytes.ts). */
let arenaText: string | null = null;

/** Says that the bytes at READ_AT in the arena are `text`'s, one per character. */
export function arenaHolds(text: string): void {
  arenaText = text;
}

/** The arena, if its bytes at READ_AT are `text`'s (then the key records' module reads them there). */
export function arenaWithText(text: string): WasmMemory | null {
  return arena !== null && arenaText !== null && arenaText.length === text.length && arenaText === text ? arena : null;
}

/** Lays regions out in a module's memory from `start` on, each 8-byte aligned; `end` is where the last one ends. */
export class MemoryLayout {
  private at: number;
  constructor(start: number) {
    this.at = start;
  }
  take(bytes: number): number {
    const start = (this.at + 7) & ~7;
    this.at = start + bytes;
    return start;
  }
  get end(): number {
    return this.at;
  }
}

/** A fresh memory of at least `bytes`. */
export function freshMemory(bytes: number): WasmMemory {
  return new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE_BYTES)) });
}

/** Grows `memory` to hold at least `bytes`. */
export function reserve(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength / PAGE_BYTES;
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > have) memory.grow(pages - have);
}

const compiled = new Map<string, object>();

/** An instance of the module whose bytes are `base64`, with `memory` as its env.memory. */
export function instantiate<T>(base64: string, memory?: WasmMemory): T {
  let module = compiled.get(base64);
  if (module === undefined) {
    module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    compiled.set(base64, module);
  }
  return new WebAssembly.Instance(module, memory === undefined ? {} : { env: { memory } }).exports as T;
}
