// Transparent huge pages for the one-shot CLI's big allocations: the WebAssembly arena (wasmArena.ts), where the read
// of /proc/keys lands and the modules write the key table's columns and the JSON, and the C heap (malloc), where the
// read's 4 MB text and V8's compiler zones go.
// Why: on this kind of VM a 4 KiB page's first touch costs ~15-50 µs (the fault, not the zeroing), and a 40k-key
// one-shot first touched ~9,000 of them (`node -e 0`: ~2,150). A 2 MiB huge page costs one fault: 16 MiB first
// touched in 4 KiB pages took 105-210 ms here, in huge pages 1.2-5 ms. The kernel's usual setting ("madvise") gives
// huge pages only to memory that asks for them (MADV_HUGEPAGE). The advice changes no byte, only how the kernel backs
// the memory; where it has no huge pages (or "never"), it ignores or refuses the advice, and nothing else changes.
import { koffi, libc } from './libc';

/** include/uapi/asm-generic/mman-common.h */
const MADV_HUGEPAGE = 14;
/** glibc's malloc.h */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
const M_ARENA_MAX = -8;
const HUGE_PAGE = 2 << 20;

type Madvise = (addr: ArrayBufferLike | bigint, length: number, advice: number) => number;
let madviseFn: Madvise | null = null;
let madviseAtFn: Madvise | null = null;

/**
 * Asks for huge pages for `bytes` from the start of `memory` (a WebAssembly memory's buffer, which starts on a page:
 * `bytes` may reach past its end into the memory's reservation, which it grows into). False if the kernel refused.
 */
export function adviseHugePages(memory: ArrayBufferLike, bytes: number): boolean {
  try {
    madviseFn ??= libc().func('int madvise(void *addr, size_t length, int advice)') as Madvise;
    return madviseFn(memory, bytes, MADV_HUGEPAGE) === 0;
  } catch {
    return false;
  }
}

/**
 * Leaves `bytes` of free C heap (glibc's main arena, this thread's) backed by huge pages for what this process mallocs
 * next: mallocs of up to 32 MiB come from the heap rather than each from its own fresh mmap, the heap is never given
 * back, every thread's mallocs come from it (those yet to malloc: glibc's other arenas are mmaps of their own), and one block of `bytes` is taken, advised and freed, so later mallocs are carved from it. For a process that
 * lives a moment (the one-shot CLI); false, with malloc perhaps tuned, if any step failed.
 */
export function hugePageHeap(bytes: number): boolean {
  try {
    const lib = libc();
    const mallopt = lib.func('int mallopt(int param, int value)') as (param: number, value: number) => number;
    const malloc = lib.func('void *malloc(size_t size)') as (size: number) => unknown;
    const free = lib.func('void free(void *ptr)') as (ptr: unknown) => void;
    madviseAtFn ??= lib.func('int madvise(uintptr_t addr, size_t length, int advice)') as Madvise;
    if (mallopt(M_MMAP_THRESHOLD, 32 << 20) !== 1 || mallopt(M_TRIM_THRESHOLD, 1 << 30) !== 1) return false;
    // Every thread mallocs from this one heap (the pool thread's and V8's threads' would each make an arena of their own).
    mallopt(M_ARENA_MAX, 1);
    const block = malloc(bytes);
    if (block === null) return false;
    const at = koffi.address(block);
    const start = (at + BigInt(HUGE_PAGE - 1)) & ~BigInt(HUGE_PAGE - 1);
    const end = (at + BigInt(bytes)) & ~BigInt(HUGE_PAGE - 1);
    const advised = end > start && madviseAtFn(start, Number(end - start), MADV_HUGEPAGE) === 0;
    free(block);
    return advised;
  } catch {
    return false;
  }
}
