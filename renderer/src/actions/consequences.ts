// What a destructive action will do, in words, from the snapshot the renderer holds. Pure, so the
// confirm dialogs' sentences are tested without a DOM.
import { effectivePerm, PERM_BITS, type Observer } from '../../../shared/perm';
import type { Anchors, KeyInfo } from '../../../shared/snapshot';
import { hexId } from '../util/format';
import { counted, cutMiddle } from '../../../shared/text';

export type KeyLookup = ReadonlyMap<number, KeyInfo>;

/** "_ses (0x1a2b3c4d)". */
export function keyLabel(keys: KeyLookup, id: number): string {
  const k = keys.get(id);
  return `${k ? cutMiddle(k.description) || `(${k.type})` : 'a keyring this process cannot see'} (0x${hexId(id)})`;
}

function listOf(keys: KeyLookup, ids: readonly number[]): string {
  return ids.map((id) => keyLabel(keys, id)).join(', ');
}

/** The keyring a tree row sits in: the segment before the key in its row id ("a:session/123/456" → 123). */
export function rowParent(rowId: string | null, anchors: Anchors | null): number | null {
  if (!rowId) return null;
  const parts = rowId.split('/');
  if (parts.length < 2) return null;
  const prev = parts[parts.length - 2]!;
  if (prev.startsWith('a:')) return anchors?.[prev.slice(2) as keyof Anchors] ?? null;
  const n = Number(prev.replace(/^[ko]:/, ''));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** After losing the link from `from`: destroyed, or kept by the other links (named). */
export function afterUnlink(keys: KeyLookup, parents: readonly number[], from: number): string {
  const others = parents.filter((p) => p !== from);
  if (others.length === 0) return 'This key has no other link: it will be destroyed.';
  return `It stays linked from ${counted(others.length, 'other keyring')}: ${listOf(keys, others)}.`;
}

export function unlinkWords(keys: KeyLookup, id: number, parents: readonly number[], from: number): string {
  return `Unlink ${keyLabel(keys, id)} from ${keyLabel(keys, from)}. ${afterUnlink(keys, parents, from)}`;
}

export function revokeWords(keys: KeyLookup, id: number, parents: readonly number[]): string {
  const links = parents.length ? ` It stays linked from ${counted(parents.length, 'keyring')} (${listOf(keys, parents)}) until the collector removes it.` : '';
  return `Revoke ${keyLabel(keys, id)}: every use of it fails with EKEYREVOKED from now on, and it cannot be undone.${links}`;
}

export function invalidateWords(keys: KeyLookup, id: number, parents: readonly number[]): string {
  const where = parents.length ? ` It is unlinked from ${listOf(keys, parents)}.` : '';
  return `Invalidate ${keyLabel(keys, id)}: the kernel destroys it at once, whatever links it.${where}`;
}

export function clearWords(keys: KeyLookup, ring: KeyInfo, parentsOf: (id: number) => readonly number[]): string {
  const members = ring.links ?? [];
  if (ring.links === null) return `Clear ${keyLabel(keys, ring.id)}: every member is unlinked (this process cannot read the list).`;
  if (members.length === 0) return `Clear ${keyLabel(keys, ring.id)}: it is already empty.`;
  const destroyed = members.filter((m) => parentsOf(m).filter((p) => p !== ring.id).length === 0);
  const gone = destroyed.length ? ` ${destroyed.length} of them ${destroyed.length === 1 ? 'has' : 'have'} no other link and will be destroyed: ${listOf(keys, destroyed)}.` : ' Each of them stays linked elsewhere.';
  return `Clear ${keyLabel(keys, ring.id)}: its ${members.length} ${members.length === 1 ? 'member is' : 'members are'} unlinked.${gone}`;
}

export function moveWords(keys: KeyLookup, id: number, from: number, to: number): string {
  return `Move ${keyLabel(keys, id)}: it is unlinked from ${keyLabel(keys, from)} and linked into ${keyLabel(keys, to)}.`;
}

/** What a new mask takes away from this process that it needs to see or change the key again; null when nothing. */
export function permLossWords(k: KeyInfo, observer: Observer, mask: number): string | null {
  const now = effectivePerm(k, observer, k.possessed);
  const next = effectivePerm({ ...k, perm: mask }, observer, k.possessed);
  const lost = (['view', 'setattr'] as const).filter((p) => (now & PERM_BITS[p]) !== 0 && (next & PERM_BITS[p]) === 0);
  if (!lost.length) return null;
  const why = lost.includes('setattr') ? ' You will not be able to change the permissions back from here.' : '';
  return `This mask removes ${lost.join(' and ')} for this process on ${keyLabel(new Map([[k.id, k]]), k.id)}.${lost.includes('view') ? ' The key will vanish from this view.' : ''}${why}`;
}
