// Synchronous writes of strings to a file descriptor through one reusable buffer. `snapshot --json` writes
// ~10 MB at 40k keys in ~200 pieces: process.stdout.write would allocate a fresh buffer for each piece (and
// go through the stream machinery); on a small VM the fresh pages cost more than the copying.
import { writeSync } from 'node:fs';

const INITIAL_BYTES = 1 << 20;

export function fdWriter(fd: number): ((text: string) => void) & { bytes: (chunk: Uint8Array) => void } {
  let buffer = Buffer.allocUnsafe(0); // allocated on first use
  const write = (text: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (text.length * 3 > buffer.length) buffer = Buffer.allocUnsafe(Math.max(text.length * 3, buffer.length * 2, INITIAL_BYTES));
    writeAll(fd, buffer, buffer.write(text, 0, 'utf8'));
  };
  return Object.assign(write, { bytes: (chunk: Uint8Array) => writeAll(fd, chunk, chunk.length) });
}

function writeAll(fd: number, bytes: Uint8Array, length: number): void {
  for (let done = 0; done < length; ) {
    try {
      done += writeSync(fd, bytes, done, length - done);
    } catch (err) {
      // A non-blocking pipe that is full: wait a little for the reader, then go on.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
