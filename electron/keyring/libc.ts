// libc through koffi, loaded once per thread: the raw system call numbers the app uses (there is no glibc
// wrapper for keyctl(2) and friends, and glibc's setgroups() would change every thread's groups), and the
// library handle that keyctl.ts and threads/credentials.ts declare their calls on.
import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };

export const koffi: typeof Koffi = loadKoffi();

/**
 * koffi's native module (we use its own API only: load, func, errno). koffi's package entry spends ~15 ms of CPU
 * finding it (it reads node's ELF headers for the C library, loads node:util and Node's ESM resolver) before it
 * loads this same prebuilt file; for the one-shot CLI that is before /proc/keys can be read, ~25-40 ms of wall
 * time on a loaded machine. So the glibc build is loaded directly where its package puts it, and anything else
 * (musl, another layout, any failure) goes through koffi's entry as before.
 */
function loadKoffi(): typeof Koffi {
  /* eslint-disable @typescript-eslint/no-require-imports */
  try {
    const native = require(`@koromix/koffi-${process.platform}-${process.arch}/${process.platform}_${process.arch}/koffi.node`) as Partial<typeof Koffi>;
    if (typeof native.load === 'function' && typeof native.errno === 'function') return native as typeof Koffi;
  } catch {
    // not there, or not loadable here: koffi's entry finds the right one
  }
  // koffi ships ESM-typed declarations; at run time its CommonJS entry is what a CommonJS build loads.
  return require('koffi') as typeof Koffi;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** System call numbers by architecture (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h). */
export interface SyscallNumbers {
  addKey: number;
  requestKey: number;
  keyctl: number;
  openat: number;
  setfsuid: number;
  setfsgid: number;
  setgroups: number;
  getgroups: number;
}

const SYSCALLS: Record<string, SyscallNumbers> = {
  x64: { addKey: 248, requestKey: 249, keyctl: 250, openat: 257, setfsuid: 122, setfsgid: 123, setgroups: 116, getgroups: 115 },
  arm64: { addKey: 217, requestKey: 218, keyctl: 219, openat: 56, setfsuid: 151, setfsgid: 152, setgroups: 159, getgroups: 158 },
};

/** This machine's system call numbers; throws on an architecture we do not know. */
export function syscallNumbers(): SyscallNumbers {
  const nr = SYSCALLS[process.arch];
  if (!nr) throw new Error(`keyctl: unsupported architecture ${process.arch} (x64 and arm64 are supported)`);
  return nr;
}

let lib: Koffi.LibraryHandle | null = null;

/** libc.so.6, loaded on first use. */
export function libc(): Koffi.LibraryHandle {
  lib ??= koffi.load('libc.so.6');
  return lib;
}
