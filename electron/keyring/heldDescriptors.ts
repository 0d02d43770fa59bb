// The one rule for descriptors a worker thread has open when it ends. A descriptor belongs to the process, not to
// the thread that opened it, and a worker stopped by terminate() (rpc.ts, when its close hook does not answer in
// time; a thread's own threads end with it) runs no more JavaScript: no finally block, no close hook. So:
//  - a descriptor opened through node:fs (openSync, readFileSync, ...: the reader's /proc/keys and /proc/key-users,
//    the pins' status files) is Node's to close: on a worker thread Node
//    records each such open and close (Worker's trackUnmanagedFds, which rpc.ts sets, and its threads' threads
//    inherit) and closes at the thread's end those still open, on that thread, before its 'exit'. It forgets a
//    descriptor before closing it and records one in the same native call that opened it, so it never closes a
//    number the thread let go. Such a descriptor must be closed through node:fs too, and is never said held here:
//    its starter would close it a second time after the 'exit', when its number may be another thread's
//    (scanThread.test.ts takes the numbers before the 'exit' is heard);
//  - a descriptor node:fs does not know (koffi's socket(2): the process-events socket, procEvents.ts) is said held
//    here by the thread while it keeps it beyond a call, and said let go *before* it is closed; the thread that
//    started this one closes, after the thread's 'exit', what it still held (rpc.ts). A thread stopped between the
//    two leaves that one descriptor open, where saying it after would let its starter close a number another thread
//    had opened since. A descriptor of this kind opened and closed within one call would be left open by a stop
//    mid-call: open none such on a worker thread without saying it held.
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

/** Says `fd` (opened outside node:fs, see the top) stays open beyond this call; returns it. */
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
