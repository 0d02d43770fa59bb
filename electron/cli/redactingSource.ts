// `screenshot --redact`: a SnapshotSource wrapper that replaces every key's description by a stable alias
// ("user key #3", "keyring #2") before the service sees it, so everything the page can show (tree rows,
// details, change log, status bar, graph) is redacted at the one place all of it comes from.
// Ids and uids are kept (kernel serials say nothing about their owner's secrets). The kernel's own names
// (`_ses`, `_uid.0`, `.user_reg`, …) are kept too: they name a mechanism, not a person.
import type { Snapshot } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';

// The same rule and alias format as shared/redact.ts (exports), so a picture and an export name keys
// alike. Not that module's redactSnapshot itself: it renumbers ids per snapshot, and here the page asks
// the engine about keys by their real id (details, --select) and deltas must keep a key's identity.
const KERNEL_FIXED_NAMES = new Set(['_ses', '_tid', '_pid']);
const KERNEL_UID_NAME = /^(_uid|_uid_ses|_persistent)\.\d+$/;

/** Names the kernel assigns: userspace cannot create a keyring whose description starts with '.' (EPERM). */
export function isKernelName(type: string, description: string): boolean {
  if (type !== 'keyring') return false;
  return KERNEL_FIXED_NAMES.has(description) || KERNEL_UID_NAME.test(description) || description.startsWith('.');
}

/** Remembers each id's alias across scans, so a key keeps its name while the page is open. */
export class Redactor {
  private readonly aliases = new Map<number, string>();
  private readonly counters = new Map<string, number>();

  alias(id: number, type: string, description: string): string {
    if (isKernelName(type, description)) return description;
    let a = this.aliases.get(id);
    if (a === undefined) {
      const n = (this.counters.get(type) ?? 0) + 1;
      this.counters.set(type, n);
      a = type === 'keyring' ? `keyring #${n}` : `${type} key #${n}`;
      this.aliases.set(id, a);
    }
    return a;
  }

  snapshot(s: Snapshot): Snapshot {
    return { ...s, keys: s.keys.map((k) => ({ ...k, description: this.alias(k.id, k.type, k.description) })) };
  }
}

export function redactingSource(inner: SnapshotSource, redactor = new Redactor()): SnapshotSource {
  return {
    scan: async () => redactor.snapshot(await inner.scan()),
    close: () => inner.close(),
  };
}
