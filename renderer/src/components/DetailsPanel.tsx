// Everything about the selected key: every snapshot field in words, the permission matrix, names
// for its owner and group, its security label, and the keyrings it is linked from (click to go there).
import { whyUnreadable } from '../../../shared/unreadable';
import { CopyId } from './CopyId';
import { useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { KeyDetails } from '../../../shared/api';
import { decodeFlags, flagWords } from '../../../shared/flags';
import { describePins } from '../../../shared/pinsText';
import { MAYBE_REACHED, POSSESSION_UNKNOWN } from '../../../shared/possession';
import type { AnchorName, KeyInfo } from '../../../shared/snapshot';
import { ActionButtons } from '../actions/ActionButtons';
import { useApi } from '../apiContext';
import { useKb } from '../store';
import { anchorNamesOf, ANCHOR_LABELS, findRowPath, structureOf, type TreeModel } from '../tree/model';
import { useTreeModel } from '../tree/useTreeRows';
import { useNow } from '../util/clock';
import { hexId, formatDateTime } from '../util/format';
import { ExpiryDetails } from './Countdown';
import { KeyIcon } from './KeyIcon';
import { KeyRef } from './KeyRef';
import { RoleTag } from './RoleTag';
import { roleOf } from '../tree/roles';
import { PermMatrix } from './PermMatrix';
import { StateBadges } from './StateBadges';
import { counted, cutMiddle } from '../../../shared/text';
import { userLabel } from '../../../shared/quota';
import { UserDetails } from '../users/UserDetails';

/** The heading shows this many characters of the description at most. */
const TITLE_TEXT = 120;

const pathWordsByStructure = new WeakMap<object, Map<number, string | null>>();

/**
 * pathWords, once per tree structure: it reads only links, descriptions and the roots (tree/model.ts
 * structureOf), and finding the path looks at every root (thousands of other sessions' keyrings on a busy
 * machine), which the panel did again on every delta while a key was selected.
 */
function pathWordsOnce(model: TreeModel, id: number): string | null {
  const token = structureOf(model);
  let words = pathWordsByStructure.get(token);
  if (words === undefined) pathWordsByStructure.set(token, (words = new Map()));
  let w = words.get(id);
  if (w === undefined) words.set(id, (w = pathWords(model, id)));
  return w;
}

const UNREACHED = ' (not reachable from this process)';

/** "Session keyring › project-x › ci-secrets": the first place the tree shows the key, in words. */
function pathWords(model: TreeModel, id: number): string | null {
  const path = findRowPath(model, id);
  if (!path) return null;
  const last = path[path.length - 1]!;
  const [root, ...ids] = last.split('/');
  if (!ids.length) return null; // the key is a root itself
  if (root!.startsWith('u:')) {
    // Under a user node: "in bob (uid 1001) › _uid.1001" (the last id is the key itself).
    const g = model.users.find((u) => `u:${u.uid}` === root);
    const names = ids.slice(0, -1).map((x) => cutMiddle(model.keys.get(Number(x))?.description ?? x));
    return `in ${[g ? userLabel(g.uid, g.name) : root!, ...names].join(' › ')}`;
  }
  const rootName = root!.startsWith('a:') ? ANCHOR_LABELS[root!.slice(2) as AnchorName] : cutMiddle(model.keys.get(Number(root!.slice(2)))?.description ?? '');
  const names = ids.slice(0, -1).map((x) => cutMiddle(model.keys.get(Number(x))?.description ?? x));
  const where = [rootName, ...names].join(' › ');
  return root!.startsWith('a:') ? `in ${where}` : `in ${where}${UNREACHED}`;
}

/** A revoked key's timeout column: what /proc/keys prints and why. */
function RevokedExpiry({ collectAfter }: { collectAfter: number | null }) {
  return (
    <span data-testid="revoked-expiry">
      <code>expd</code>{' '}
      <span className="muted">
        revoking set its expiry to the moment of revocation; the collector removes it gc_delay later
        {collectAfter != null ? ` (after ${formatDateTime(collectAfter)})` : ''}.
      </span>
    </span>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function useKeyDetails(id: number | null): { details: KeyDetails | null; error: string | null } {
  const api = useApi();
  const [state, setState] = useState<{ id: number | null; details: KeyDetails | null; error: string | null }>({ id: null, details: null, error: null });
  useEffect(() => {
    if (id == null) return;
    let live = true;
    api.getKeyDetails(id).then(
      (details) => live && setState({ id, details, error: null }),
      (e: unknown) => live && setState({ id, details: null, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, id]);
  return state.id === id ? state : { details: null, error: null };
}

/**
 * "Kept alive by …", what one unlink would leave, and when a doomed key goes: the engine's pins in
 * words (shared/pinsText). Its own component so the one-second clock re-renders only these lines.
 */
function PinsSection({ k, keys }: { k: KeyInfo; keys: ReadonlyMap<number, KeyInfo> }) {
  const now = useNow();
  const text = describePins(k, keys, now);
  return (
    <section aria-label="Kept alive by">
      <h3>Kept alive by {k.doomed && <span className="badge badge-revoked">doomed</span>}</h3>
      <p className="pins-text" data-pins-sentence="">{text.keptBy}</p>
      {text.ifUnlinked && <p className="pins-text muted">{text.ifUnlinked}</p>}
      {text.doom && <p className="pins-text pins-doom">{text.doom}</p>}
    </section>
  );
}

/**
 * With nothing selected, the placeholder, and no subscription to the keys: the panel with a selection follows the
 * model and the snapshot's fields, which change with every delta.
 */
export function DetailsPanel() {
  const nothingSelected = useKb((s) => s.selectedId === null && s.selectedUser === null);
  return nothingSelected ? <NothingSelected /> : <SelectionDetails />;
}

function NothingSelected() {
  return (
    <aside className="details empty" aria-label="Key details">
      <p className="placeholder">Select a key to see its details: permissions and who they apply to, owner, flags, expiry and where it is linked from.</p>
    </aside>
  );
}

function SelectionDetails() {
  const { k, meta, identity, selectedUser } = useKb(
    useShallow((s) => ({ k: s.selectedId != null ? s.keys.get(s.selectedId) : undefined, meta: s.meta, identity: s.identity, selectedUser: s.selectedUser })),
  );
  const model = useTreeModel();
  const { details, error } = useKeyDetails(k?.id ?? null);

  const userGroup = selectedUser === null ? undefined : model?.users.find((g) => g.uid === selectedUser);
  if (userGroup && model) return <UserDetails group={userGroup} model={model} />;

  if (!k || !meta || !model) return <NothingSelected />;
  const state = decodeFlags(k.flags, k.timeout);
  const words = flagWords(k.flags);
  const parents = model.parents.get(k.id) ?? [];
  const role = roleOf(model, k.id);
  const anchorOf = anchorNamesOf(meta.anchors, k.id);
  const user = identity?.users[k.uid];
  const group = identity?.groups[k.gid];
  const observer = { uid: meta.uid, gid: meta.gid, groups: meta.groups };
  const reach = anchorOf.length
    ? `this process's ${anchorOf.map((a) => ANCHOR_LABELS[a].toLowerCase()).join(' and ')}`
    : k.possessionUnknown === true && k.orphan
      ? // Possession unknown: the kernel may reach it through a keyring we may not view, so "not reachable" is not known.
        `${(pathWordsOnce(model, k.id) ?? 'in no keyring this process can see').replace(UNREACHED, '')}; ${MAYBE_REACHED}`
      : pathWordsOnce(model, k.id) ?? 'not reachable from this process’s keyrings';

  return (
    <aside className="details" aria-label="Key details">
      <header className="details-head">
        <KeyIcon type={k.type} />
        <div>
          {/* The heading is cut (a description may be 4,095 bytes); the Description field below has it whole. */}
          <h2 className="details-title" title={k.description.length > TITLE_TEXT ? k.description : undefined}>
            {cutMiddle(k.description, TITLE_TEXT) || <em>(no description)</em>}
          </h2>
          <div className="details-sub">
            <span>{k.type}</span>
            <code>{hexId(k.id)}</code>
            <StateBadges flags={k.flags} timeout={k.timeout} />
          </div>
        </div>
      </header>

      {role !== null && (
        <p className="role-sentence" data-role={role.id}>
          <RoleTag role={role} /> {role.sentence}
        </p>
      )}

      <ActionButtons k={k} linkedFrom={parents.length} />

      <section>
        <h3>Key</h3>
        <dl className="fields">
          <Field label="ID">
            <code>0x{hexId(k.id)}</code> <span className="muted">({k.id})</span> <CopyId id={k.id} />
          </Field>
          <Field label="Type">{k.type}</Field>
          <Field label="Description">
            <span className="break" data-testid="whole-description">
              {k.description}
            </span>
          </Field>
          <Field label="Owner">
            {user ?? <span className="muted">unknown user</span>} <span className="muted">(uid {k.uid})</span>
          </Field>
          <Field label="Group">
            {k.gid === 65534 ? <span className="muted">none (gid 65534)</span> : (
              <>
                {group ?? <span className="muted">unknown group</span>} <span className="muted">(gid {k.gid})</span>
              </>
            )}
          </Field>
          <Field label="Usage">{counted(k.usage, 'reference')}</Field>
          <Field label="Possessed">
            {k.possessed ? 'yes: reachable from this process’s thread, process or session keyring' : k.possessionUnknown ? `unknown: ${POSSESSION_UNKNOWN}` : 'no'}
          </Field>
          <Field label="Where">{reach}</Field>
          {k.type === 'keyring' && (
            <Field label="Members">
              {k.links === null ? <Unreadable k={k} /> : k.links?.length ? `${k.links.length} keys` : 'empty'}
            </Field>
          )}
          <Field label="Flags">
            <code>{k.flags}</code>
            <ul className="flag-words">
              {words.map((w) => (
                <li key={w}>{w}</li>
              ))}
              {!state.instantiated && !state.underConstruction && <li>not instantiated</li>}
            </ul>
          </Field>
          <Field label="Timeout">
            {k.timeout === 'expd' && state.revoked ? (
              <RevokedExpiry collectAfter={k.doomed?.collectAfter ?? null} />
            ) : k.timeout === 'perm' ? (
              'none (permanent)'
            ) : k.timeout === 'expd' ? (
              'expired'
            ) : (
              <code>{k.timeout}</code>
            )}
          </Field>
          {k.expiry !== null && !state.revoked && (
            <Field label="Expires">
              <ExpiryDetails expiry={k.expiry} />
            </Field>
          )}
          <Field label="Security">
            {details ? (
              details.security === null ? (
                <span className="muted">{details.securityError ?? 'unavailable'}</span>
              ) : details.security === '' ? (
                <span className="muted">no label</span>
              ) : (
                <code className="break">{details.security}</code>
              )
            ) : error ? (
              <span className="muted">{error}</span>
            ) : (
              <span className="muted">reading…</span>
            )}
          </Field>
        </dl>
      </section>

      <PinsSection k={k} keys={model.keys} />

      <section>
        <h3>Permissions</h3>
        <PermMatrix k={k} observer={observer} />
      </section>

      <section>
        <h3>Linked from {parents.length > 1 && <span className="badge badge-shared">shared</span>}</h3>
        {parents.length ? (
          <ul className="linked-from">
            {parents.map((p) => (
              <li key={p}>
                <KeyRef id={p} k={model.keys.get(p)} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No visible keyring links it{anchorOf.length ? ' (it is one of this process’s own keyrings)' : ''}.</p>
        )}
      </section>
    </aside>
  );
}

/** "Not readable", why, and the way in where the app offers one (shared/unreadable.ts). */
function Unreadable({ k }: { k: KeyInfo }) {
  const model = useTreeModel();
  const meta = useKb((s) => s.meta);
  if (!model || !meta) return <>not readable by this process</>;
  const why = whyUnreadable(k, { uid: meta.uid, gid: meta.gid, groups: meta.groups }, (id) => model.keys.get(id), (id) => model.parents.get(id) ?? []);
  return (
    <span data-testid="unreadable">
      not readable by this process. {why.reason}
      {why.hint && <span className="unreadable-hint"> {why.hint}</span>}
    </span>
  );
}
