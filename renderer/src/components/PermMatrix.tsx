// The permission matrix: possessor/user/group/other × view…setattr, with the rows that apply to this
// process highlighted and the effective permission beneath, as the kernel computes it.
import {
  applicableClass,
  classBits,
  hasPerm,
  PERM_CLASSES,
  PERM_NAMES,
  permLettersMaybe,
  type Observer,
} from '../../../shared/perm';
import { effectivePermRange } from '../../../shared/possession';
import type { KeyInfo } from '../../../shared/snapshot';
import { hexMask } from '../util/format';

export function PermMatrix({ k, observer }: { k: KeyInfo; observer: Observer }) {
  const cls = applicableClass(k, observer);
  const eff = effectivePermRange(k, observer);
  const applies = (c: string) => c === cls || (c === 'possessor' && k.possessed);
  /** The possessor row where this process cannot tell whether it possesses the key. */
  const mayApply = (c: string) => c === 'possessor' && k.possessionUnknown === true;
  const why =
    cls === 'user'
      ? `you own it (uid ${observer.uid})`
      : cls === 'group'
        ? `you are in its group (gid ${k.gid})`
        : 'you are neither its owner nor in its group';
  return (
    <div className="perm">
      <table className="perm-matrix">
        <caption>
          Mask <code>{hexMask(k.perm)}</code>
        </caption>
        <thead>
          <tr>
            <th scope="col" />
            {PERM_NAMES.map((n) => (
              <th scope="col" key={n}>
                {n}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {PERM_CLASSES.map((c) => {
            const bits = classBits(k.perm, c);
            return (
              <tr key={c} className={applies(c) ? 'applies' : undefined} aria-current={applies(c) ? 'true' : undefined}>
                <th scope="row">
                  {c}
                  {applies(c) && <span className="applies-tag"> ✓ you</span>}
                  {mayApply(c) && <span className="applies-tag"> ? you, if possessed</span>}
                </th>
                {PERM_NAMES.map((n) => (
                  <td key={n} className={hasPerm(bits, n) ? 'yes' : 'no'} aria-label={hasPerm(bits, n) ? 'granted' : 'not granted'}>
                    {hasPerm(bits, n) ? '●' : '·'}
                  </td>
                ))}
              </tr>
            );
          })}
          <tr className="effective">
            <th scope="row">effective</th>
            {PERM_NAMES.map((n) => (
              <td
                key={n}
                className={hasPerm(eff.sure, n) ? 'yes' : hasPerm(eff.maybe, n) ? 'maybe' : 'no'}
                aria-label={hasPerm(eff.sure, n) ? 'granted' : hasPerm(eff.maybe, n) ? 'granted only if possessed, which this process cannot tell' : 'not granted'}
              >
                {hasPerm(eff.sure, n) ? '●' : hasPerm(eff.maybe, n) ? '?' : '·'}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="perm-why">
        The <strong>{cls}</strong> row applies because {why}
        {k.possessed
          ? '; the possessor row is added because this process possesses the key'
          : k.possessionUnknown
            ? '; the possessor row is added if this process possesses the key, which it cannot tell (? marks what that row would add)'
            : '; the possessor row does not apply (not possessed)'}.
        Effective: <code>{permLettersMaybe(eff.sure, eff.maybe)}</code>
      </p>
    </div>
  );
}
