// Full type names and descriptions by key id, kept between polls. A key's type and description never
// change while it lives, so what was resolved once (from /proc/keys, or by DESCRIBE when /proc/keys was
// ambiguous) is reused. A serial can be reused after a key dies: the entry is trusted only while the
// /proc/keys line still agrees with it (same type column, text starting with the description).
import type { ProcKeyLine } from './procKeys';

export interface KeyName {
  type: string;
  description: string;
}

interface Entry extends KeyName {
  typeCut: string;
}

export class NameCache {
  private readonly byId = new Map<number, Entry>();

  /** A disabled cache remembers nothing (a one-shot scan has no next poll to save work for). */
  constructor(private readonly enabled = true) {}

  get(line: ProcKeyLine): KeyName | null {
    if (!this.enabled) return null;
    const e = this.byId.get(line.id);
    if (e === undefined || e.typeCut !== line.typeCut || !line.rest.startsWith(e.description)) return null;
    return e;
  }

  set(line: ProcKeyLine, name: KeyName): void {
    if (!this.enabled) return;
    this.byId.set(line.id, { typeCut: line.typeCut, type: name.type, description: name.description });
  }

  /** Forget keys that are gone. */
  retainOnly(live: ReadonlySet<number>): void {
    for (const id of this.byId.keys()) if (!live.has(id)) this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }
}
