// A /proc file's bytes read synchronously on the calling thread (the kernel judges a /proc/keys reader by the
// opener's credentials, so a reader thread opens and reads its files itself), into one of two buffers in turn:
// the last read's bytes stay whole while the next read fills the other buffer, so a poll can compare the two
// reads byte for byte (procKeysChanges.ts) without copying either.
// A /proc file reports size 0, and readFileSync would read it a chunk at a time and then copy the chunks
// together: at 40k keys that copying cost as much CPU as the kernel's own work.
import { closeSync, openSync, readSync } from 'node:fs';
import type { FileText } from '../keyring/sides';

export class AlternatingReads {
  private readonly buffers: [Buffer, Buffer];
  private next = 0;

  /** `initialBytes`: each buffer's first size (they double as needed and keep their size). */
  constructor(initialBytes = 1 << 16) {
    this.buffers = [Buffer.allocUnsafe(initialBytes), Buffer.allocUnsafe(initialBytes)];
  }

  /**
   * The file's bytes (valid until the read after next), or why it could not be read (errno name, message).
   */
  read(path: string): Buffer | FileText {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      return failure(err);
    }
    try {
      let buf = this.buffers[this.next] as Buffer;
      let length = 0;
      for (;;) {
        if (length === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, length);
          buf = this.buffers[this.next] = bigger;
        }
        const n = readSync(fd, buf, length, buf.length - length, null);
        if (n === 0) break;
        length += n;
      }
      this.next = 1 - this.next;
      return buf.subarray(0, length);
    } catch (err) {
      return failure(err);
    } finally {
      closeSync(fd);
    }
  }
}

function failure(err: unknown): FileText {
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? 'EIO', message: String(e.message) };
}
