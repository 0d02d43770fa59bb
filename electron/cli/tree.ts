// The readable tree `keyring-browser snapshot` prints: what a `keyctl show` user reads at once, but
// complete. Anchors are roots in the kernel's search order; a key linked from several keyrings is printed
// in full once (marked "shared") and referred to elsewhere; kernel-held keyrings and orphans come after.
// A key whose kind is known (shared/keyRoles.ts) carries the role's tag and label, as rows do in the app:
// `user: __krb5_princ__  <KRB Kerberos principal>`.
import { ANCHOR_ORDER, type AnchorName, type KeyInfo, type Snapshot } from '../../shared/snapshot';
import { stateBadges } from '../../shared/flags';
import { hexId } from '../../shared/keyIds';
import { graphRoots } from '../../shared/reachability';
import { formatPermHex } from '../../shared/perm';
import { QUOTA_LEVEL_WORDS, quotaPercent, userLabel, worstQuotaLevel } from '../../shared/quota';
import { chargesByUid } from '../../shared/quotaCharge';
import { quotaGap, quotaGapSentence } from '../../shared/quotaGap';
import { expiryInWords } from '../../shared/expiryText';
import { keyRole, roleContextOf, type RoleContext } from '../../shared/keyRoles';
import { probableCaches } from '../../shared/krb5Orphans';
import { parentsOf } from '../../shared/reachability';

const ANCHOR_TITLES: Record<AnchorName, string> = {
  thread: 'Thread keyring (@t)',
  process: 'Process keyring (@p)',
  session: 'Session keyring (@s)',
  userSession: 'User session keyring (@us)',
  user: 'User keyring (@u)',
  persistent: 'Persistent keyring',
};

export const TREE_HEADER = '        ID PERM     FLAGS   USAGE   UID   GID  KEY';


function notes(key: KeyInfo, parents: number, now: number): string {
  const out: string[] = stateBadges(key.flags, key.timeout).map((b) => (b === 'underConstruction' ? 'under construction' : b));
  // The expiry window in words: "expires in 9–10 h" is what the kernel's rounded "9h" means.
  const expiry = expiryInWords(key.expiry, now);
  if (expiry !== '' && expiry !== 'expired') out.push(`expires ${expiry}`);
  if (key.possessed) out.push('possessed');
  else if (key.possessionUnknown === true) out.push('possession unknown: a keyring this process possesses links one it may not view');
  if (parents > 1) out.push(`shared: ${parents} keyrings link it`);
  if (key.type === 'keyring' && key.links === null) out.push('members unreadable');
  return out.length > 0 ? `  [${out.join(', ')}]` : '';
}

function columns(key: KeyInfo): string {
  return `${hexId(key.id)} ${formatPermHex(key.perm)} ${key.flags} ${String(key.usage).padStart(5)} ${String(key.uid).padStart(5)} ${String(key.gid).padStart(5)}`;
}

const BLANK_COLUMNS = ' '.repeat(columns({ id: 0, perm: 0, flags: '-------', usage: 0, uid: 0, gid: 0 } as KeyInfo).length);

/** "  <KRB Kerberos ticket>" for a key of a known kind, "" otherwise. */
function roleNote(key: KeyInfo, roles: RoleContext): string {
  const role = keyRole(key, roles);
  return role === null ? '' : `  <${role.tag} ${role.label}>`;
}

/** The quota-gap sentence under a uid's quota line: indented under it, wrapped to fit an 80-column terminal. */
const GAP_INDENT = '    ';
const GAP_WIDTH = 80;

/** `text`'s words in lines of at most `width` characters (a longer word on a line of its own). */
function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}

export function renderTree(snapshot: Snapshot, now: number = snapshot.takenAt): string {
  const byId = new Map(snapshot.keys.map((k) => [k.id, k]));
  const roles = roleContextOf(snapshot.keys);
  // Caches of an unreadable krb5 collection are printed under it, marked as inferred (shared/krb5Orphans.ts).
  const probable = probableCaches(byId, parentsOf(byId));
  const parentCount = new Map<number, number>();
  for (const k of snapshot.keys) for (const m of k.links ?? []) parentCount.set(m, (parentCount.get(m) ?? 0) + 1);
  const printed = new Set<number>();
  const lines: string[] = [];

  const emit = (id: number, prefix: string, branch: string, childPrefix: string, onPath: Set<number>): void => {
    const key = byId.get(id);
    if (!key) {
      lines.push(`${hexId(id).padStart(8)} ${' '.repeat(BLANK_COLUMNS.length - 9)}  ${prefix}${branch}(a member this process may not view)`);
      return;
    }
    const label = `${key.type}: ${key.description}`;
    if (printed.has(id)) {
      const why = onPath.has(id) ? 'cycle' : 'shown above';
      lines.push(`${columns(key)}  ${prefix}${branch}${label}  [→ ${hexId(id)}, ${why}]`);
      return;
    }
    printed.add(id);
    const guess = branch !== '' && probable.byCache.has(id) ? '  [probably here: inferred from its name, owner and usage; this process may not read the collection]' : '';
    lines.push(`${columns(key)}  ${prefix}${branch}${label}${roleNote(key, roles)}${notes(key, parentCount.get(id) ?? 0, now)}${guess}`);
    const members = key.links ?? probable.byCollection.get(id) ?? [];
    onPath.add(id);
    members.forEach((m, i) => {
      const last = i === members.length - 1;
      emit(m, prefix + childPrefix, '\\_ ', last ? '    ' : '|   ', onPath);
    });
    onPath.delete(id);
  };

  lines.push(TREE_HEADER);
  for (const name of ANCHOR_ORDER) {
    const id = snapshot.anchors[name];
    lines.push(`${ANCHOR_TITLES[name]}:${id === null ? ' none' : ''}`);
    if (id !== null) emit(id, '', '', '', new Set());
  }

  // The roots of what no anchor reaches, as the app's tree has them (shared/reachability.ts).
  const { kernelRoots, orphanRoots } = graphRoots(byId, snapshot.anchors);
  if (kernelRoots.length > 0) {
    lines.push('Kernel-held keyrings:');
    for (const id of kernelRoots) emit(id, '', '', '', new Set());
  }
  const orphans = orphanRoots.filter((id) => !printed.has(id) && !probable.byCache.has(id));
  if (orphans.length > 0) {
    // A key whose possession is unknown may be reached through a keyring this process may not view: no "not reachable".
    const maybeReached = snapshot.keys.some((k) => k.orphan && k.possessionUnknown === true);
    lines.push(
      maybeReached
        ? 'No path from this process’s keyrings that it can see (orphans; where possession is unknown, maybe reached through a keyring it may not view):'
        : 'Not reachable from this process’s keyrings (orphans):',
    );
    for (const id of orphans) emit(id, '', '', '', new Set());
  }

  // Every key is now printed: the anchors and these roots reach all of them (graphRoots promotes one key
  // of each unreachable cycle).

  if (snapshot.quotas.length > 0) {
    lines.push('Quotas (/proc/key-users):');
    // What each uid's keys in the snapshot cost, set against its charge (shared/quotaGap.ts), as the app's user
    // rows and `quota --held-by` do. A process's own view is not meant to show other uids' keys: a uid none of
    // whose keys it shows gets no sentence (all its charge would be "unaccounted", every time).
    const charges = chargesByUid(snapshot.keys);
    const ownView = (snapshot.scope?.kind ?? 'process') === 'process';
    for (const q of snapshot.quotas) {
      const level = worstQuotaLevel(q);
      lines.push(
        `  ${userLabel(q.uid, q.name)}: ${q.qnkeys}/${q.maxkeys} keys (${quotaPercent(q.qnkeys, q.maxkeys)}%), ` +
          `${q.qnbytes}/${q.maxbytes} bytes (${quotaPercent(q.qnbytes, q.maxbytes)}%)` +
          `${level === 'ok' ? '' : ` [${QUOTA_LEVEL_WORDS[level]}]`} (${q.nkeys} keys, ${q.nikeys} instantiated)`,
      );
      const sum = charges.get(q.uid);
      if (ownView && sum === undefined && q.uid !== snapshot.uid) continue;
      const why = quotaGapSentence(quotaGap(q, sum ?? { bytes: 0, unknown: 0 }), q.uid);
      if (why !== null) lines.push(...wrapWords(why, GAP_WIDTH - GAP_INDENT.length).map((l) => GAP_INDENT + l));
    }
  }
  return lines.join('\n') + '\n';
}
