// /proc/keys prints a key's type with `%-9.9s`: at most 9 characters. This recovers the full name.

/** Key types registered by mainline Linux (security/keys, crypto, net, fs), by their full names. */
export const KNOWN_KEY_TYPES: readonly string[] = [
  'keyring',
  'user',
  'logon',
  'big_key',
  'encrypted',
  'trusted',
  'asymmetric',
  'blacklist',
  'dns_resolver',
  '.request_key_auth',
  'id_resolver',
  'id_legacy',
  'cifs.spnego',
  'cifs.idmap',
  'rxrpc',
  'rxrpc_s',
  'ceph',
  'pkcs7_test',
  'fscrypt-provisioning',
  '._fscrypt',
  '.fscrypt-user',
];

/** Width of the type column in /proc/keys. */
export const TYPE_COLUMN_WIDTH = 9;

function buildCutMap(): Map<string, string | null> {
  const map = new Map<string, string | null>();
  for (const name of KNOWN_KEY_TYPES) {
    if (name.length < TYPE_COLUMN_WIDTH) continue;
    const cut = name.slice(0, TYPE_COLUMN_WIDTH);
    // Two known names sharing a cut would make it ambiguous: remember that as null.
    map.set(cut, map.has(cut) && map.get(cut) !== name ? null : name);
  }
  return map;
}

const FULL_NAME_BY_CUT = buildCutMap();

/**
 * The full type name for the type column of /proc/keys.
 * A name shorter than 9 characters was not cut, so it is the full name whatever it is. A 9-character
 * column may be a cut: it maps to the one known type it can come from, or null when it is unknown or
 * ambiguous (then ask KEYCTL_DESCRIBE, which prints the full name).
 */
export function fullTypeName(typeCut: string): string | null {
  if (typeCut.length < TYPE_COLUMN_WIDTH) return typeCut.length > 0 ? typeCut : null;
  if (typeCut.length > TYPE_COLUMN_WIDTH) return null;
  return FULL_NAME_BY_CUT.get(typeCut) ?? null;
}
