// Picks the keyring a link goes into (Add key, Link, Move, Get persistent keyring): this process's own
// keyrings first, named by role ("Session keyring: _ses"), in the kernel's search order; then the other
// keyrings it reaches, by name; then the rest (other sessions', kernel-held), apart. A keyring the kernel
// would refuse to link into is shown disabled with the reason: without write permission (as this process
// holds it: possessor, user, group or other), or revoked, invalidated, dead, expired.
import { useMemo } from 'react';
import { decodeFlags } from '../../../shared/flags';
import { effectivePerm, PERM_BITS, type Observer } from '../../../shared/perm';
import { ANCHOR_ORDER, type Anchors, type KeyInfo } from '../../../shared/snapshot';
import { cutMiddle } from '../../../shared/text';
import { useKb } from '../store';
import { compareByName } from '../tree/keyOrder';
import { ANCHOR_LABELS } from '../tree/model';
import { useTreeModel } from '../tree/useTreeRows';
import { hexId } from '../util/format';

export interface KeyringChoice {
  key: KeyInfo;
  /** "Session keyring" for one of this process's anchors. */
  role: string | null;
  /** Why the kernel would refuse to link into it; null when it would not. */
  refusal: string | null;
}

/** Why a link into `ring` would be refused, or null. */
export function linkRefusal(ring: KeyInfo, observer: Observer | null): string | null {
  const state = decodeFlags(ring.flags, ring.timeout);
  if (state.revoked) return 'revoked';
  if (state.invalidated) return 'invalidated';
  if (state.dead) return 'dead';
  if (state.expired) return 'expired';
  if (observer && !(effectivePerm(ring, observer, ring.possessed) & PERM_BITS.write)) return 'no write permission';
  return null;
}

/** The choices in three groups: this process's anchors (search order), the keyrings it reaches, the rest. */
export function keyringChoices(keyrings: readonly KeyInfo[], anchors: Anchors | null, reachable: ReadonlySet<number> | null, observer: Observer | null) {
  const mine: KeyringChoice[] = [];
  const seen = new Set<number>();
  for (const name of ANCHOR_ORDER) {
    const id = anchors?.[name];
    const key = id == null || seen.has(id) ? undefined : keyrings.find((r) => r.id === id);
    if (!key) continue;
    seen.add(key.id);
    mine.push({ key, role: ANCHOR_LABELS[name], refusal: linkRefusal(key, observer) });
  }
  const rest = keyrings.filter((r) => !seen.has(r.id)).sort(compareByName);
  const choice = (key: KeyInfo): KeyringChoice => ({ key, role: null, refusal: linkRefusal(key, observer) });
  return {
    mine,
    reached: rest.filter((r) => !reachable || reachable.has(r.id)).map(choice),
    others: reachable ? rest.filter((r) => !reachable.has(r.id)).map(choice) : [],
  };
}

function label(c: KeyringChoice): string {
  const name = `${cutMiddle(c.key.description) || '(no description)'} (0x${hexId(c.key.id)})`;
  return `${c.role ? `${c.role}: ${name}` : name}${c.refusal ? ` — cannot link into it: ${c.refusal}` : ''}`;
}

export function KeyringSelect({ keyrings, value, onChange, exclude = [], fieldProps }: {
  keyrings: KeyInfo[];
  value: number | null;
  onChange: (id: number) => void;
  exclude?: readonly number[];
  fieldProps: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string };
}) {
  const meta = useKb((s) => s.meta);
  const model = useTreeModel();
  const groups = useMemo(() => {
    const observer = meta ? { uid: meta.uid, gid: meta.gid, groups: meta.groups } : null;
    return keyringChoices(keyrings.filter((r) => !exclude.includes(r.id)), meta?.anchors ?? null, model?.reachable ?? null, observer);
  }, [keyrings, exclude, meta, model]);
  const options = (list: KeyringChoice[]) =>
    list.map((c) => (
      <option key={c.key.id} value={c.key.id} disabled={c.refusal !== null} title={c.refusal ? `The kernel would refuse: ${c.refusal}` : undefined}>
        {label(c)}
      </option>
    ));
  return (
    <select {...fieldProps} value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))}>
      {value == null && <option value="">choose a keyring…</option>}
      {groups.mine.length > 0 && <optgroup label="This process's keyrings">{options(groups.mine)}</optgroup>}
      {groups.reached.length > 0 && <optgroup label="Reached from them">{options(groups.reached)}</optgroup>}
      {groups.others.length > 0 && <optgroup label="Not reachable from this process">{options(groups.others)}</optgroup>}
    </select>
  );
}
