// Reads another process's memory the way an attacker with root (or a core dump) would: every readable
// mapping of /proc/PID/mem. For tests that prove a secret is not left behind.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const CHUNK = 1024 * 1024;

/** How many times `needle` occurs in the readable memory of `pid` (root reads any process). */
export function countInProcessMemory(pid: number, needle: Buffer): number {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter(Boolean);
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const chunk = Buffer.alloc(CHUNK + needle.length);
  let hits = 0;
  try {
    for (const line of maps) {
      const [range, perms, , , , name] = line.split(/\s+/);
      // [vvar]/[vsyscall] cannot be read through mem; what cannot be read holds no copy we made.
      if (!perms?.startsWith('r') || name === '[vvar]' || name === '[vsyscall]' || name === '[vvar_vclock]') continue;
      const [start, end] = range!.split('-').map((h) => BigInt(`0x${h}`)) as [bigint, bigint];
      // Overlap by needle.length - 1 so a copy spanning two chunks is found once.
      for (let at = start; at < end; at += BigInt(CHUNK)) {
        const want = Number(end - at < BigInt(CHUNK + needle.length - 1) ? end - at : BigInt(CHUNK + needle.length - 1));
        let got: number;
        try {
          got = readSync(fd, chunk, 0, want, at);
        } catch {
          break;
        }
        const view = chunk.subarray(0, got);
        for (let i = view.indexOf(needle); i !== -1 && i <= CHUNK - 1; i = view.indexOf(needle, i + 1)) hits++;
      }
    }
  } finally {
    closeSync(fd);
    chunk.fill(0);
  }
  return hits;
}
