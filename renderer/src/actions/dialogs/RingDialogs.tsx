// Dialogs about where keys are linked: Link (into another keyring), Move (a confirmation that names both
// keyrings), Search (keyctl search: which key, through which keyrings) and Get persistent keyring.
import { useState } from 'react';
import type { SearchOutcome } from '../../../../shared/api';
import { checkDescription, checkKeyType, parseIdentity, parseKeyId } from '../../../../shared/validate';
import { useApi } from '../../apiContext';
import { revealKey } from '../../tree/reveal';
import { useActions } from '../actionsStore';
import { keyLabel, moveWords } from '../consequences';
import { KeyringSelect } from '../KeyringSelect';
import { DialogButtons, DialogError, Field, Modal, useRunner } from '../Modal';
import { useSelection } from '../useSelection';
import { cutMiddle } from '../../../../shared/text';

export function LinkDialog({ target }: { target?: number }) {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, keyrings, parents } = useSelection();
  const [ring, setRing] = useState<number | null>(target ?? null);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k) return null;
  return (
    <Modal title={`Link ${k.description}`} onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (ring != null) void run(() => api.linkKey(k.id, ring));
        }}
      >
        <Field label="Into keyring" reason={touched && ring == null ? 'choose the keyring to link it into' : null}>
          {(p) => <KeyringSelect keyrings={keyrings} value={ring} onChange={setRing} exclude={[k.id, ...parents]} fieldProps={p} />}
        </Field>
        <DialogError error={error} />
        <DialogButtons confirm="Link" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}

export function MoveDialog({ target }: { target?: number }) {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, keys, keyrings, parents, parentOfRow } = useSelection();
  const [chosenFrom, setFrom] = useState<number | null>(null);
  // The person's choice while it still links the key; else the selected row's keyring; else the first link.
  const from = chosenFrom != null && parents.includes(chosenFrom) ? chosenFrom : (parentOfRow ?? parents[0] ?? null);
  const [to, setTo] = useState<number | null>(target ?? null);
  const [exclusive, setExclusive] = useState(false);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k) return null;
  return (
    <Modal title={`Move ${k.description}`} role="alertdialog" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (from != null && to != null) void run(() => api.moveKey(k.id, from, to, exclusive));
        }}
      >
        <Field label="From keyring" reason={from == null ? 'no visible keyring links this key' : null}>
          {(p) => (
            <select {...p} value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
              {parents.map((id) => (
                <option key={id} value={id}>
                  {keyLabel(keys, id)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="To keyring" reason={touched && to == null ? 'choose the keyring to move it to' : null}>
          {(p) => <KeyringSelect keyrings={keyrings} value={to} onChange={setTo} exclude={[k.id, ...(from != null ? [from] : [])]} fieldProps={p} />}
        </Field>
        <label className="act-check">
          <input type="checkbox" checked={exclusive} onChange={(e) => setExclusive(e.target.checked)} /> Fail if the target already holds a {k.type} key “{cutMiddle(k.description)}” (KEYCTL_MOVE_EXCL)
        </label>
        {from != null && to != null && <p className="act-consequence">{moveWords(keys, k.id, from, to)}</p>}
        <DialogError error={error} />
        <DialogButtons confirm="Move" busy={busy} onCancel={close} danger />
      </form>
    </Modal>
  );
}

export function SearchDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k } = useSelection();
  const [ring, setRing] = useState(k?.type === 'keyring' ? `0x${k.id.toString(16)}` : '@s');
  const [type, setType] = useState(k && k.type !== 'keyring' ? k.type : 'user');
  const [description, setDescription] = useState(k && k.type !== 'keyring' ? k.description : '');
  const [result, setResult] = useState<SearchOutcome | null>(null);
  const { busy, error, run } = useRunner();
  const ringId = parseKeyId(ring, true);
  const typeOk = checkKeyType(type);
  const descOk = checkDescription(description);
  return (
    <Modal title="Search" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!ringId.ok || !typeOk.ok || !descOk.ok) return;
          setResult(null);
          // The answer is shown in the dialog, so it stays open.
          void run(async () => {
            setResult(await api.searchKey(ringId.value, type, description));
            return null;
          }, { keepOpen: true });
        }}
      >
        <Field label="Search from keyring" hint="@s, @u, @us, @p, @t, or an id" reason={ringId.ok ? null : ringId.reason}>
          {(p) => <input {...p} value={ring} onChange={(e) => setRing(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Key type" reason={typeOk.ok ? null : typeOk.reason}>
          {(p) => <input {...p} value={type} onChange={(e) => setType(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Description" reason={description === '' || descOk.ok ? null : descOk.reason}>
          {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" />}
        </Field>
        {result && (
          <p className="act-consequence" role="status">
            {result.message}{' '}
            <button type="button" onClick={() => (revealKey(result.found), close())}>
              Show it
            </button>
          </p>
        )}
        <DialogError error={error} />
        <DialogButtons confirm="Search" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}

export function PersistentDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { meta, keyrings, identity } = useSelection();
  const [uid, setUid] = useState('');
  const [dest, setDest] = useState<number | null>(meta?.anchors.session ?? null);
  const { busy, error, run } = useRunner();
  const who = parseIdentity(uid, identity?.users ?? {}, 'user');
  return (
    <Modal title="Get persistent keyring" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!who.ok || dest == null) return;
          void run(() => api.getPersistentKeyring(who.value, dest));
        }}
      >
        <p className="act-hint">
          Links a user’s persistent keyring into the keyring you pick. This renews its expiry timer
          (/proc/sys/kernel/keys/persistent_keyring_expiry). Another user’s needs root (CAP_SETUID).
        </p>
        <Field label="For user (empty: this process’s uid)" reason={who.ok ? null : who.reason}>
          {(p) => <input {...p} value={uid} placeholder={meta ? String(meta.uid) : ''} onChange={(e) => setUid(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Link into" reason={dest == null ? 'choose a keyring' : null}>
          {(p) => <KeyringSelect keyrings={keyrings} value={dest} onChange={setDest} fieldProps={p} />}
        </Field>
        <DialogError error={error} />
        <DialogButtons confirm="Get persistent keyring" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}
