// The details panel for a user node: its quota gauges and level in words, the processes that keep its
// user keyrings, its own keyrings, and which keyrings hold most of its keys, by count and by bytes
// (shared/userGroups.ts's breakdown; what each key costs: shared/quotaCharge.ts). Click a keyring to go to it.
//
// Bytes are what the kernel charges (description + 1 + payload), known where /proc/keys states the payload's
// length (user, logon, big_key, keyring); a keyring holding keys of other types says "at least". The sum over
// the user's visible keys is set against qnbytes under the gauges, and a material difference explained in
// shared/quotaGap.ts's sentence (links the kernel's collector removed, keys no view shows, a 16-bit wrap).
import { BIG_KEY_CHARGE, LINK_CHARGE, type ChargeSum } from '../../../shared/quotaCharge';
import { quotaGapSentence, type QuotaGap } from '../../../shared/quotaGap';
import { kernelThreadsClause } from '../../../shared/pinsText';
import { QUOTA_LEVEL_WORDS, userLabel, worstQuotaLevel } from '../../../shared/quota';
import type { Pin } from '../../../shared/snapshot';
import { NO_HOLDER_WORDS, quotaBreakdown, unreadableKeyringsOf, type QuotaHolder, type UserGroup } from '../../../shared/userGroups';
import { KeyRef } from '../components/KeyRef';
import type { TreeModel } from '../tree/model';
import { QuotaGauge } from './QuotaGauge';
import { UserIcon, unseenOf } from './UserRow';
import { quotaGapOf, visibleCharges } from './quotaGapOf';
import { counted, formatCount } from '../../../shared/text';

/** How many keyrings the breakdown lists. */
const TOP = 8;

/** A holder's bytes: exact, or "at least N (k keys of unknown size)". */
export function holderBytes(h: QuotaHolder): string {
  if (h.unknownSizes === 0) return formatCount(h.bytes);
  return `at least ${formatCount(h.bytes)} (${counted(h.unknownSizes, 'key')} of unknown size)`;
}

function HolderTable({ caption, holders, model, total, value }: { caption: string; holders: QuotaHolder[]; model: TreeModel; total: number; value(h: QuotaHolder): string }) {
  return (
    <table className="quota-holders" aria-label={caption}>
      <thead>
        <tr>
          <th scope="col">Keyring</th>
          <th scope="col" className="num">
            {caption.startsWith('By bytes') ? 'Bytes' : 'Keys'}
          </th>
        </tr>
      </thead>
      <tbody>
        {holders.map((h) => (
          <tr key={h.keyring ?? 'none'} data-holder={h.keyring ?? 'none'}>
            <td>{h.keyring === null ? <span className="muted">{NO_HOLDER_WORDS}</span> : <KeyRef id={h.keyring} k={model.keys.get(h.keyring)} />}</td>
            <td className="num">
              {value(h)}
              {total > 0 && <span className="muted"> ({Math.round(((caption.startsWith('By bytes') ? h.bytes : h.keys) * 100) / total)} %)</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function processesOf(model: TreeModel, g: UserGroup): Extract<Pin, { kind: 'user' }> | null {
  const ring = g.userKeyring === null ? undefined : model.keys.get(g.userKeyring);
  const pin = ring?.pins?.find((p): p is Extract<Pin, { kind: 'user' }> => p.kind === 'user');
  return pin ?? null;
}

/** The user's visible keys' bytes set against what /proc/key-users charges it. */
function accountingSentence(charged: ChargeSum, gap: QuotaGap, explained: boolean): string {
  const known = formatCount(charged.bytes);
  const sum = charged.unknown === 0 ? `${known} bytes` : `at least ${known} bytes (${counted(charged.unknown, 'key')} of unknown size)`;
  const head = `Its ${formatCount(charged.keys)} visible ${charged.keys === 1 ? 'key costs' : 'keys cost'} ${sum}`;
  if (charged.unknown === 0 && gap.unaccounted === 0 && charged.bytes === gap.charged) return `${head}: all of the ${formatCount(gap.charged)} charged.`;
  if (gap.unaccounted === 0 || explained) return `${head} of the ${formatCount(gap.charged)} charged.`;
  return `${head} of the ${formatCount(gap.charged)} charged; ${formatCount(gap.unaccounted)} are in no key this scan can see.`;
}

export function UserDetails({ group, model }: { group: UserGroup; model: TreeModel }) {
  const label = userLabel(group.uid, group.name);
  const q = group.quota;
  const level = q ? worstQuotaLevel(q) : 'ok';
  const breakdown = quotaBreakdown(model, group.uid, { limit: TOP });
  const charged = visibleCharges(model.keys, group.uid);
  const gap = quotaGapOf(model.keys, group);
  const why = gap ? quotaGapSentence(gap, group.uid) : null;
  const unreadable = unreadableKeyringsOf(model.keys.values(), group.uid);
  const pin = processesOf(model, group);
  const own: [string, number | null][] = [
    ['User keyring', group.userKeyring],
    ['User session keyring', group.userSessionKeyring],
    ['Persistent keyring', group.persistentKeyring],
  ];
  return (
    <aside className="details" aria-label="User details" data-user-details={group.uid}>
      <header className="details-head">
        <UserIcon />
        <div>
          <h2 className="details-title">{label}</h2>
          <div className="details-sub">
            <span>user</span>
            {level !== 'ok' && <span className={`badge quota-badge quota-${level}`}>{QUOTA_LEVEL_WORDS[level]}</span>}
          </div>
        </div>
      </header>

      <section aria-label="Quota">
        <h3>Quota</h3>
        {q ? (
          <>
            <div className="user-gauges-large">
              <QuotaGauge unit="keys" used={q.qnkeys} max={q.maxkeys} owner={label} large />
              <QuotaGauge unit="bytes" used={q.qnbytes} max={q.maxbytes} owner={label} large unseen={unseenOf(gap)} />
            </div>
            {gap && (
              <p className={why ? 'quota-gap' : 'muted'} data-testid="bytes-explained">
                {accountingSentence(charged, gap, why !== null)}
                {why && (
                  <>
                    {' '}
                    <strong>{why}</strong>
                  </>
                )}
              </p>
            )}
            <p className="muted">
              Charged to uid {group.uid} in /proc/key-users; the kernel refuses the next key (add_key, request_key, chown to this
              user: EDQUOT) when it would pass either limit. It owns {counted(q.nkeys, 'key')} ({formatCount(q.nikeys)} instantiated).
            </p>
          </>
        ) : (
          <p className="muted">The kernel keeps no key accounting for this uid (no line in /proc/key-users).</p>
        )}
      </section>

      <section aria-label="Where its keys are">
        <h3>Where its keys are</h3>
        {breakdown.byCount.length ? (
          <>
            <HolderTable caption="By keys: the keyrings holding most of its keys" holders={breakdown.byCount} model={model} total={breakdown.visibleKeys} value={(h) => String(h.keys)} />
            <p className="muted">
              {breakdown.visibleKeys} of its keys are visible to this scan; a key linked from several keyrings counts in each.
            </p>
            {unreadable.length > 0 && (
              <p className="muted" data-testid="unreadable-keyrings">
                {unreadable.length === 1 ? 'One of its keyrings grants' : `${unreadable.length} of its keyrings grant`} no view of this scan
                Read (keyctl newring’s default mask, 3f010000, lets the owner only view a keyring it does not possess), so{' '}
                {unreadable.length === 1 ? 'its' : 'their'} members count under “{NO_HOLDER_WORDS}”:{' '}
                {unreadable.slice(0, TOP).map((k) => (
                  <KeyRef key={k.id} id={k.id} k={k} />
                ))}
                {unreadable.length > TOP && ` and ${unreadable.length - TOP} more`}
              </p>
            )}
          </>
        ) : (
          <p className="muted">None of its keys is visible to this scan.</p>
        )}
        {breakdown.byBytes.length > 0 && (
          <>
            <HolderTable caption="By bytes: the keyrings holding most of its bytes" holders={breakdown.byBytes} model={model} total={q?.qnbytes ?? 0} value={holderBytes} />
            <p className="muted">
              The kernel charges a key the length of its description + 1 + its payload’s length (a keyring’s payload: {LINK_CHARGE} bytes
              per link); /proc/keys states that length for user, logon, big_key (charged {BIG_KEY_CHARGE} bytes whatever its size) and
              keyring keys only.
            </p>
          </>
        )}
      </section>

      <section aria-label="Its keyrings">
        <h3>Its keyrings</h3>
        <dl className="fields">
          {own.map(([name, id]) => (
            <div key={name} className="field-pair">
              <dt>{name}</dt>
              <dd>{id === null ? <span className="muted">not visible (none, or not registered)</span> : <KeyRef id={id} k={model.keys.get(id)} />}</dd>
            </div>
          ))}
          <div className="field-pair">
            <dt>Session keyrings</dt>
            <dd>
              {group.sessionKeyrings.length ? (
                <ul className="linked-from">
                  {group.sessionKeyrings.map((id) => (
                    <li key={id}>
                      <KeyRef id={id} k={model.keys.get(id)} />
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="muted">none visible</span>
              )}
            </dd>
          </div>
          <div className="field-pair">
            <dt>Processes</dt>
            <dd>
              {pin ? (
                <>
                  {counted(pin.processes, 'process runs', 'processes run')} with this real uid{kernelThreadsClause(pin)}
                  {pin.processList?.length ? `: ${pin.processList.map((p) => `${p.command} (${p.pid})`).join(', ')}${pin.processes - (pin.kernelThreads ?? 0) > pin.processList.length ? ', …' : ''}` : ''}
                </>
              ) : (
                <span className="muted">not known (its user keyring is not visible)</span>
              )}
            </dd>
          </div>
        </dl>
      </section>
    </aside>
  );
}
