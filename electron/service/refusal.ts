// Turns a kernel refusal into a sentence a person can act on: the errno, what the operation needed,
// and for EACCES which permission this process lacks on which key, with the key's mask and the
// class of the mask that applies to us ("EACCES: this process lacks read on key 0x1a2b3c4d
// (perm 3f010000, you match 'user')"). The errno name stays the error's code, so the UI can branch on it.
import { KeyringApiError } from '../../shared/protocol';
import type { RpcErrorCode } from '../../shared/protocol';
import { applicableClass, effectivePerm, formatPermHex, PERM_BITS, type PermName } from '../../shared/perm';
import type { KeyInfo, Snapshot } from '../../shared/snapshot';
import { formatKeyId, specialKeyring } from '../../shared/keyIds';
import { errnoMeaning, KeyctlError } from '../keyring/keyctlError';
import { cutMiddle } from '../../shared/text';

/** One key the operation touches and the permission it needs on it (any one of `perms`). */
export interface Need {
  id: number;
  perms: PermName[];
  /** 'key' or 'keyring', for the sentence. */
  role?: string;
}

/** Resolves -1..-5 (thread, process, session, user, user-session keyring) to a serial through the snapshot's anchors. */
export function resolveSpecial(snapshot: Snapshot | null, id: number): number | null {
  if (id > 0) return id;
  const special = specialKeyring(id);
  return (special && snapshot?.anchors[special.anchor]) ?? null;
}

export function findKey(snapshot: Snapshot | null, id: number): KeyInfo | undefined {
  const real = resolveSpecial(snapshot, id);
  return real === null ? undefined : snapshot?.keys.find((k) => k.id === real);
}

/** "user “api-token” (0x1a2b3c4d)", or just the id when the snapshot does not show the key. */
export function nameKey(snapshot: Snapshot | null, id: number): string {
  const special = specialKeyring(id)?.name;
  const k = findKey(snapshot, id);
  if (id < 0) return k ? `${special} ${cutMiddle(k.description)} (${formatKeyId(k.id)})` : special ?? String(id);
  return k ? `${k.type} “${cutMiddle(k.description)}” (${formatKeyId(id)})` : `key ${formatKeyId(id)}`;
}

/** Why the kernel said no, in words. */
export function explainRefusal(err: KeyctlError, action: string, needs: Need[], snapshot: Snapshot | null): string {
  const lead = `${err.code}: `;
  if (err.code === 'EACCES' && snapshot) {
    const observer = { uid: snapshot.uid, gid: snapshot.gid, groups: snapshot.groups };
    const lacking: string[] = [];
    for (const need of needs) {
      const k = findKey(snapshot, need.id);
      if (!k) continue;
      const bits = effectivePerm(k, observer, k.possessed);
      if (need.perms.some((p) => (bits & PERM_BITS[p]) !== 0)) continue;
      const cls = applicableClass(k, observer);
      const possessed = k.possessed ? ' and possess it' : '';
      lacking.push(
        `this process lacks ${need.perms.join(' or ')} on ${need.role ?? 'key'} ${formatKeyId(k.id)} (perm ${formatPermHex(k.perm)}, you match '${cls}'${possessed})`,
      );
    }
    if (lacking.length) return lead + lacking.join('; ');
    const wanted = needs.map((n) => `${n.perms.join(' or ')} on ${nameKey(snapshot, n.id)}`).join(', ');
    return `${lead}${action} was refused: it needs ${wanted}, and the kernel said this process lacks it (or a security module refused)`;
  }
  const subject = err.keyId !== null ? ` on ${nameKey(snapshot, err.keyId)}` : '';
  return `${lead}${action}${subject} failed: ${errnoMeaning(err.code)}`;
}

/** Rethrows a KeyctlError as the KeyringApiError the transports send (errno name kept as the code). */
export function refusal(err: unknown, action: string, needs: Need[], snapshot: Snapshot | null): Error {
  if (!(err instanceof KeyctlError)) return err instanceof Error ? err : new Error(String(err));
  return new KeyringApiError(err.code as RpcErrorCode, explainRefusal(err, action, needs, snapshot));
}
