// Descriptors a thread keeps open from one call to the next: the process-events socket (procEvents.ts) and the
// listed kernel threads' comm files (processWatch.ts). A descriptor belongs to the process, not to the thread that
// opened it, and a worker thread stopped by terminate() (rpc.ts, when its close hook does not answer in time) runs
// no more JavaScript: what it held stayed open until the process exited, the socket taking events into its buffer.
// So the thread says what it holds and when it lets go, and the thread that started it closes, after the thread's
// 'exit', what it still held (rpc.ts). It says so *before* it closes: a thread stopped between the two leaves that
// one descriptor open, where saying it after would let its starter close a number another thread had opened since.
import { closeSync } from 'node:fs';

/** Who hears of this thread's descriptors: on a worker thread, the thread that started it (rpc.ts). */
export interface DescriptorWatch {
  held(fd: number): void;
  released(fd: number): void;
}

let watch: DescriptorWatch | null = null;

/** Sets who hears of this thread's descriptors (null: nobody; the main thread's own are the process's to close). */
export function watchHeldDescriptors(next: DescriptorWatch | null): void {
  watch = next;
}

/** Says `fd` stays open beyond this call; returns it. */
export function announceHeld(fd: number): number {
  watch?.held(fd);
  return fd;
}

/** Says `fd`, said held (announceHeld), is about to be closed (by `closeHeld`, or by whoever closes it for a thread that ended). */
export function announceReleased(fd: number): void {
  watch?.released(fd);
}

/** Closes a descriptor said held (announceHeld), saying so first (see the top). */
export function closeHeld(fd: number, close: (fd: number) => unknown = closeSync): void {
  announceReleased(fd);
  close(fd);
}
