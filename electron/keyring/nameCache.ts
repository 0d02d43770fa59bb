// Full type names and descriptions by key id, kept between polls. A key's type and description never
// change while it lives, so what was resolved once (from /proc/keys, or by DESCRIBE when /proc/keys was
// ambiguous) is reused. A serial can be reused after a key dies: the entry is trusted only while the
// /proc/keys line still agrees with it (same type column, text starting with the description).
import type { KeyTable } from './keyTable';

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

  /** The remembered name of a table row's key, if its line still agrees with it. */
  get(table: KeyTable, row: number): KeyName | null {
    if (!this.enabled) return null;
    const e = this.byId.get(table.id[row] as number);
    if (e === undefined || e.typeCut !== table.typeCut(row)) return null;
    const start = table.restStart[row] as number;
    if (start + e.description.length > (table.restEnd[row] as number)) return null;
    return table.source(row).startsWith(e.description, start) ? e : null;
  }

  /** Remembers the name the row has been given (table.setName / setNameAt). */
  remember(table: KeyTable, row: number): void {
    if (!this.enabled) return;
    const type = table.type(row);
    const description = table.description(row);
    if (type === null || description === null) return;
    this.byId.set(table.id[row] as number, { typeCut: table.typeCut(row), type, description });
  }

  /** Forget keys that are gone. */
  retainOnly(table: KeyTable): void {
    if (!this.enabled) return;
    for (const id of this.byId.keys()) if (!table.has(id)) this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }
}
