// What this process holds open, whichever thread opened it: for tests that prove a thread leaves nothing behind
// however it ends (a descriptor belongs to the process, not to the thread).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Every open descriptor's target ('socket:[inode]', a path, ...), by descriptor number. */
export function openDescriptors(): Map<number, string> {
  const open = new Map<number, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      open.set(Number(fd), readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile (readdir's own descriptor)
    }
  }
  return open;
}

/** The NETLINK sockets this process holds ('socket:[inode]'), by /proc/self/net/netlink's inode column. */
export function netlinkSocketsOpen(): string[] {
  const [header, ...rows] = readFileSync('/proc/self/net/netlink', 'utf8').trim().split('\n');
  const column = (header ?? '').trim().split(/\s+/).indexOf('Inode');
  const netlink = new Set(rows.map((row) => `socket:[${row.trim().split(/\s+/)[column]}]`));
  return [...openDescriptors().values()].filter((target) => netlink.has(target)).sort();
}

/** The numbers of the descriptors this process holds open on `path` (a file, a FIFO, /proc/keys). */
export function descriptorsOn(path: string): number[] {
  return [...openDescriptors()].filter(([, target]) => target === path).map(([fd]) => fd);
}
