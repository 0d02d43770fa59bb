// libc through koffi, loaded once per thread: the raw system call numbers the app uses (there is no glibc
// wrapper for keyctl(2) and friends, and glibc's setgroups() would change every thread's groups), and the
// library handle that keyctl.ts and threads/credentials.ts declare their calls on.
import type * as Koffi from 'koffi' with { 'resolution-mode': 'import' };

// koffi ships ESM-typed declarations; at run time its CommonJS entry is what a CommonJS build loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const koffi: typeof Koffi = require('koffi');

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
