// Search: which keys a query matches, and which keyrings must open to reveal them.
// Runs debounced, outside render; at 40k keys a pass is a few milliseconds.
import type { KeyInfo } from '../../../shared/snapshot';

export interface SearchResult {
  query: string;
  /** Keys the query matches. */
  matches: ReadonlySet<number>;
  /** Keyrings on some path to a match (excluding matches that are only matches). */
  ancestors: ReadonlySet<number>;
}

/**
 * A query matches a key when it is the key's id (decimal, or hex with or without `0x`, as /proc/keys
 * prints it), a case-insensitive substring of its description or type, or of its role's label and terms
 * ("ticket", "credential cache": shared/keyRoles.ts).
 */
/** Lower-cased "description\ntype" per key, kept while the key object lives (keys are replaced, never mutated). */
const haystacks = new WeakMap<KeyInfo, string>();
function haystackOf(k: KeyInfo): string {
  let h = haystacks.get(k);
  if (h === undefined) {
    h = `${k.description}\n${k.type}`.toLowerCase();
    haystacks.set(k, h);
  }
  return h;
}

export function compileQuery(raw: string): ((k: KeyInfo, roleText?: string) => boolean) | null {
  const q = raw.trim().toLowerCase();
  if (!q) return null;
  const hex = /^0x([0-9a-f]{1,8})$/.exec(q);
  if (hex) {
    const id = parseInt(hex[1]!, 16);
    return (k) => k.id === id;
  }
  const ids = new Set<number>();
  if (/^[0-9]{1,10}$/.test(q)) ids.add(Number(q));
  if (/^[0-9a-f]{1,8}$/.test(q)) ids.add(parseInt(q, 16));
  // A newline cannot be typed into the search box, so a match never spans description and type.
  return (k, roleText = '') => ids.has(k.id) || haystackOf(k).includes(q) || roleText.includes(q);
}

export function runSearch(
  keys: ReadonlyMap<number, KeyInfo>,
  parents: ReadonlyMap<number, readonly number[]>,
  query: string,
  roleText: (id: number) => string = () => '',
): SearchResult | null {
  const test = compileQuery(query);
  if (!test) return null;
  const matches = new Set<number>();
  for (const k of keys.values()) if (test(k, roleText(k.id))) matches.add(k.id);
  const ancestors = new Set<number>();
  const stack = [...matches];
  while (stack.length) {
    for (const p of parents.get(stack.pop()!) ?? []) {
      if (!ancestors.has(p)) {
        ancestors.add(p);
        stack.push(p);
      }
    }
  }
  return { query, matches, ancestors };
}
