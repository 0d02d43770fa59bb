// `screenshot --redact`: a SnapshotSource wrapper that redacts every snapshot before the service sees
// it, so everything the page can show (tree rows, details, change log, status bar, graph) is redacted at
// the one place all of it comes from. Descriptions become aliases ("user key #3", "keyring #2"), ids are
// remapped (links, anchors, pins too), and uids/gids are renumbered when asked (--replace-uids).
//
// The rules and formats are shared/redact.ts's (exports), so a picture and an export name keys alike.
// Not that module's buildRedaction itself: it numbers each snapshot afresh, while here the service
// diffs successive scans into live deltas, so a key must keep its alias and its alias id across polls.
// The mappings therefore live as long as the source (one screenshot run), in order of first appearance.
import { aliasFor, isKernelAssignedName, REDACTED_ID_BASE, REDACTED_UID_BASE, remapSnapshot } from '../../shared/redact';
import type { Snapshot } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';

export interface RedactorOptions {
  /** 'replace' renumbers uids and gids (1000, 1001, … in order of appearance; 0 and 65534 stay). */
  uids: 'keep' | 'replace';
}

/** Root and nobody/nogroup are well-known values, not identities: kept even when uids are replaced. */
const WELL_KNOWN_IDS = new Set([0, 65534]);
/** The uid inside a kernel-assigned name such as `_uid.1000` or `_persistent.0`. */
const UID_SUFFIX = /^(_[a-z_]+)\.(\d+)$/;

/** Numbers handed out in order of first appearance; a value keeps its number for the mapping's life. */
class StableRenumber {
  private readonly map = new Map<number, number>();
  private readonly reverse = new Map<number, number>();
  private next: number;
  constructor(base: number, private readonly keep: (v: number) => boolean = () => false) {
    this.next = base;
  }
  get(v: number): number {
    if (this.keep(v)) return v;
    let n = this.map.get(v);
    if (n === undefined) {
      n = this.next++;
      this.map.set(v, n);
      this.reverse.set(n, v);
    }
    return n;
  }
  /** The number already given to v, without giving one. */
  peek(v: number): number | undefined {
    return this.keep(v) ? v : this.map.get(v);
  }
  /** The original value behind a number this mapping gave. */
  original(n: number): number | undefined {
    return this.reverse.get(n);
  }
}

/** Remembers every alias and remapped id across scans, so a key keeps both while the page is open. */
export class Redactor {
  private readonly ids = new StableRenumber(REDACTED_ID_BASE);
  private readonly uids: StableRenumber;
  private readonly gids: StableRenumber;
  private readonly aliases = new Map<number, string>();
  private readonly counters = new Map<string, number>();

  constructor(options: RedactorOptions = { uids: 'keep' }) {
    const keep = options.uids === 'keep' ? () => true : (v: number) => WELL_KNOWN_IDS.has(v);
    this.uids = new StableRenumber(REDACTED_UID_BASE, keep);
    this.gids = new StableRenumber(REDACTED_UID_BASE, keep);
  }

  /** The alias id of a real key id (given on first sight). */
  id(realId: number): number {
    return this.ids.get(realId);
  }

  /** The alias id already given to a real id, if the page has been shown that key. */
  knownId(realId: number): number | undefined {
    return this.ids.peek(realId);
  }

  /** The uid the page shows for a real uid it has been shown (itself unless uids are replaced). */
  knownUid(realUid: number): number | undefined {
    return this.uids.peek(realUid);
  }

  /** The real key id behind an alias id the page asks about. */
  realId(aliasId: number): number | undefined {
    return this.ids.original(aliasId);
  }

  uid(uid: number): number {
    return this.uids.get(uid);
  }

  description(id: number, type: string, description: string): string {
    if (isKernelAssignedName(type, description)) {
      // `_uid.N`, `_uid_ses.N`, `_persistent.N`: the name follows the uid mapping, or it would tell the uid.
      const m = UID_SUFFIX.exec(description);
      return m ? `${m[1]}.${this.uid(Number(m[2]))}` : description;
    }
    let a = this.aliases.get(id);
    if (a === undefined) {
      const n = (this.counters.get(type) ?? 0) + 1;
      this.counters.set(type, n);
      a = aliasFor(type, n);
      this.aliases.set(id, a);
    }
    return a;
  }

  snapshot(s: Snapshot): Snapshot {
    // Keys first, in snapshot order, so alias ids follow the order keys first appear in.
    return remapSnapshot(s, {
      id: (v) => this.id(v),
      uid: (v) => this.uid(v),
      gid: (v) => this.gids.get(v),
      description: (k) => this.description(k.id, k.type, k.description),
    });
  }
}

export function redactingSource(inner: SnapshotSource, redactor = new Redactor()): SnapshotSource {
  return {
    scan: async () => redactor.snapshot(await inner.scan()),
    close: () => inner.close(),
  };
}
