// Which keys this process may possess without the scan being able to tell (KeyInfo.possessionUnknown), and no
// more. The kernel's facts it rests on (security/keys, checked on Linux 6.18; possessionUnknown.test.ts):
//  - A keyring we possess may list a member we may not even view: one that grants its possessor SEARCH and
//    nothing else (08000000) is hidden from /proc/keys and refused by DESCRIBE, so its type, permission and
//    members are the kernel's secret; yet the kernel's possession search goes through it (search_nested_keyrings
//    needs only SEARCH on a keyring to descend), so what it holds may be possessed.
//  - What it may hold: a key is possessed only if it grants SEARCH with the possessor's bits (possession.ts).
//    And every link holds one reference on its member (__key_link takes one), which /proc/keys counts in the
//    key's usage: a key whose usage equals the number of member lists we read that name it has no reference
//    left for a keyring we cannot list, so it is in none; a kernel-held keyring (named with a leading '.') has one
//    more, its maker's (the user namespace's for `.user_reg`). (An unlink drops its reference only after an RCU grace
//    period: for a moment the usage is one higher, which only makes us say "unknown" once too often.)
//  - How deep: the kernel searches keyrings down to depth 6 from the thread, process and session keyrings
//    (MAX_SEARCHED_DEPTH). A hidden member of a keyring searched at depth d sits at depth d + 1 and is searched
//    only if d + 1 <= 6; what it holds sits at d + 2 or deeper, and is possessed only down to depth 7.
//  - What such a key leads to: a keyring that may be possessed that way is searched in turn, so its members
//    that grant SEARCH may be possessed too, even when every reference on them is a link we read.
// No oracle tells more without disturbing what we observe: KEYCTL_SEARCH (keyring.c search_nested_keyrings)
// sets the last-use time of the key it finds and of every keyring on the way, a possessing /proc/keys read
// does the same for each key it finds possessed (proc.c proc_keys_show searches without
// KEYRING_SEARCH_NO_UPDATE_TIME) and costs keys × keyrings, and reading the hidden member blind (possession
// alone lets KEYCTL_READ read it) could read a key's payload: its type is hidden too.
import type { Observer } from '../../shared/perm';
import { isKernelHeldKeyring } from '../../shared/reachability';
import { MAX_SEARCHED_DEPTH, searchableWhenPossessed } from './possession';
import type { ProcessAnchors } from './anchors';
import type { MemberRowsByRow, ScanContext } from './scanContext';

export interface PossessionUnknown {
  /**
   * Whether the kernel's search from our keyrings goes through something we cannot list (a member we may not view,
   * or a keyring we may not read, in a possessed keyring it searches): then any change may change `rows`.
   */
  throughHidden: boolean;
  /** 1 for each row not found possessed that the kernel may count possessed that way; absent when there is none. */
  rows?: Uint8Array;
}

/** What the kernel's possession search may reach that the scan cannot see (`byRow`: memberRowsByRow, -1 for a member with no row; `possessed`: possessedRows). */
export function possessionUnknown(ctx: ScanContext, byRow: MemberRowsByRow, possessed: Uint8Array, who: Observer, anchors: ProcessAnchors): PossessionUnknown {
  const { table } = ctx;
  const depth = searchDepths(ctx, byRow, possessed, anchors);
  if (depth === null) return { throughHidden: false };
  // The shallowest a key reached through something we cannot list may sit: just below a keyring we may not read,
  // two below one that lists a member we may not view.
  let shallowest = Infinity;
  for (let row = 0; row < table.length; row++) {
    const d = depth[row] as number;
    if (d > MAX_SEARCHED_DEPTH) continue; // not searched (or not possessed): nothing is possessed through it
    const members = byRow[row];
    if (!members) {
      if (table.isKeyring(row)) shallowest = Math.min(shallowest, d + 1);
    } else if (d + 1 <= MAX_SEARCHED_DEPTH && members.some((m) => m < 0)) shallowest = Math.min(shallowest, d + 2);
  }
  if (shallowest > MAX_SEARCHED_DEPTH + 1) return { throughHidden: false };

  const searchable = (row: number): boolean =>
    possessed[row] !== 1 && searchableWhenPossessed({ uid: table.uid[row] as number, gid: table.gid[row] as number, perm: table.perm[row] as number }, who);
  // References the member lists we read account for, per row.
  const listed = new Int32Array(table.length);
  for (let row = 0; row < table.length; row++) {
    const members = byRow[row];
    if (!members) continue;
    for (let i = 0; i < members.length; i++) {
      const m = members[i] as number;
      if (m >= 0) listed[m] = (listed[m] as number) + 1;
    }
  }
  const unknown = new Uint8Array(table.length);
  const at = new Uint8Array(table.length).fill(255);
  let frontier: number[] = [];
  for (let row = 0; row < table.length; row++) {
    // A kernel-held keyring (`.user_reg`, `.blacklist`, ...) holds one reference from the kernel that made it.
    const kernelHeld = table.isKeyring(row) && isKernelHeldKeyring({ type: 'keyring', description: table.description(row) ?? table.rest(row) }) ? 1 : 0;
    if ((table.usage[row] as number) > (listed[row] as number) + kernelHeld && searchable(row)) {
      unknown[row] = 1;
      at[row] = shallowest;
      frontier.push(row);
    }
  }
  if (frontier.length === 0) return { throughHidden: true };
  // Below those, breadth first so each keyring is taken at the shallowest depth it may have.
  for (let d = shallowest; d <= MAX_SEARCHED_DEPTH && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const ring of frontier) {
      const members = byRow[ring];
      if (!members) continue;
      for (let i = 0; i < members.length; i++) {
        const m = members[i] as number;
        if (m < 0 || (at[m] as number) <= d + 1 || !searchable(m)) continue;
        unknown[m] = 1;
        at[m] = d + 1;
        next.push(m);
      }
    }
    frontier = next;
  }
  return { throughHidden: true, rows: unknown };
}

/**
 * The shallowest depth the kernel's search reaches each possessed row at (the thread, process and session
 * keyrings are 0; 255 for a row not possessed), or null when no possessed keyring lists a member with no row or
 * went unread (then nothing is unknown). possessedRows' walk again, recording depths: it runs only then.
 */
function searchDepths(ctx: ScanContext, byRow: MemberRowsByRow, possessed: Uint8Array, anchors: ProcessAnchors): Uint8Array | null {
  const { table } = ctx;
  let hides = false;
  for (let row = 0; row < table.length && !hides; row++) {
    if (possessed[row] !== 1) continue;
    const members = byRow[row];
    hides = members ? members.some((m) => m < 0) : table.isKeyring(row);
  }
  if (!hides) return null;
  const depth = new Uint8Array(table.length).fill(255);
  const roots = [anchors.thread, anchors.process, anchors.session].flatMap((id) => {
    const row = id === null ? -1 : table.rowOf(id);
    return row >= 0 && possessed[row] === 1 ? [row] : [];
  });
  for (const root of roots) depth[root] = 0;
  // Breadth first, so the first depth a row gets is its shallowest.
  const reached = new Uint8Array(table.length);
  let level = 0;
  let current = roots;
  while (current.length > 0 && level <= MAX_SEARCHED_DEPTH) {
    const next: number[] = [];
    for (const ring of current) {
      if (reached[ring] === 1) continue;
      reached[ring] = 1;
      const members = byRow[ring];
      if (!members) continue;
      for (let i = 0; i < members.length; i++) {
        const m = members[i] as number;
        if (m < 0 || possessed[m] !== 1 || (depth[m] as number) <= level + 1) continue;
        depth[m] = level + 1;
        next.push(m);
      }
    }
    current = next;
    level++;
  }
  return depth;
}
