// Dialogs that make or change one key: Add key, Update, Set timeout, Change owner. Each validates
// as the person types (shared/validate, the same rules the engine applies) and never calls the
// engine with input it knows is wrong.
import { useState } from 'react';
import { ADDABLE_KEY_TYPES, type AddableKeyType } from '../../../../shared/api';
import { bytesToBase64, checkDescription, parseIdentity, parseTimeout, type Checked } from '../../../../shared/validate';
import { formatDuration } from '../../../../shared/pinsText';
import { formatDateTime } from '../../util/format';
import { useApi } from '../../apiContext';
import { useActions } from '../actionsStore';
import { KeyringSelect } from '../KeyringSelect';
import { DialogButtons, DialogError, Field, Modal, useRunner } from '../Modal';
import { emptyPayload, PayloadInput, payloadBytes, type PayloadValue } from '../PayloadInput';
import { useSelection } from '../useSelection';

export function AddKeyDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, meta, keyrings, parentOfRow } = useSelection();
  const defaultRing = k?.type === 'keyring' ? k.id : (parentOfRow ?? meta?.anchors.session ?? keyrings[0]?.id ?? null);
  const [type, setType] = useState<AddableKeyType>('user');
  const [description, setDescription] = useState('');
  const [payload, setPayload] = useState<PayloadValue>(emptyPayload);
  const [ring, setRing] = useState<number | null>(defaultRing);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  const desc = checkDescription(description);
  const bytes = payloadBytes(payload, type);
  return (
    <Modal title="Add key" onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (!desc.ok || !bytes.ok || ring == null) return;
          void run(() =>
            api.addKey({ type, description, payloadBase64: type === 'keyring' ? null : bytesToBase64(bytes.value), keyring: ring }),
          );
        }}
      >
        <Field label="Type">
          {(p) => (
            <select {...p} value={type} onChange={(e) => setType(e.target.value as AddableKeyType)}>
              {ADDABLE_KEY_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Description" reason={description !== '' || touched ? (desc.ok ? null : desc.reason) : null}>
          {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} autoComplete="off" />}
        </Field>
        {type !== 'keyring' && (
          <PayloadInput value={payload} onChange={setPayload} reason={!bytes.ok && (touched || payload.text !== '' || payload.file) ? bytes.reason : null} />
        )}
        {type === 'logon' && <p className="act-hint">A logon key’s payload can never be read back from user space.</p>}
        <Field label="Into keyring" reason={touched && ring == null ? 'choose the keyring to add it to' : null}>
          {(p) => <KeyringSelect keyrings={keyrings} value={ring} onChange={setRing} fieldProps={p} />}
        </Field>
        <DialogError error={error} />
        <DialogButtons confirm="Add key" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}

export function UpdateDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k } = useSelection();
  const [payload, setPayload] = useState<PayloadValue>(emptyPayload);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k) return null;
  const type: AddableKeyType = k.type === 'logon' ? 'logon' : 'user';
  const bytes = payloadBytes(payload, type);
  const reason = !bytes.ok && (touched || payload.text !== '') ? bytes.reason : null;
  return (
    <Modal title={`Update ${k.description}`} onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (bytes.ok) void run(() => api.updateKey(k.id, bytesToBase64(bytes.value)));
        }}
      >
        <p className="act-hint">Replaces the payload of this {k.type} key.</p>
        <PayloadInput value={payload} onChange={setPayload} reason={reason} />
        <DialogError error={error} />
        <DialogButtons confirm="Update" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}

export function TimeoutDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k } = useSelection();
  const [text, setText] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k) return null;
  const seconds = parseTimeout(text);
  return (
    <Modal title={`Set timeout of ${k.description}`} onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (seconds.ok) void run(() => api.setKeyTimeout(k.id, seconds.value));
        }}
      >
        <Field label="Timeout" hint={timeoutHint(seconds)} reason={(touched || text !== '') && !seconds.ok ? seconds.reason : null}>
          {(p) => <input {...p} value={text} placeholder="600, 90s, 10m, 1h 30m, 2d" onChange={(e) => setText(e.target.value)} autoComplete="off" />}
        </Field>
        <DialogError error={error} />
        <DialogButtons confirm="Set timeout" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}

/** What the typed timeout will do, before it is applied: the seconds and the moment it will expire. */
function timeoutHint(seconds: Checked<number>): string {
  if (!seconds.ok) return 'seconds, or 90s, 10m, 1h 30m, 2d; 0 removes the timeout';
  if (seconds.value === 0) return '0: removes the timeout (the key becomes permanent)';
  return `${seconds.value} s (${formatDuration(seconds.value)}): expires about ${formatDateTime(Date.now() + seconds.value * 1000)}`;
}

export function ChownDialog() {
  const api = useApi();
  const close = useActions((s) => s.close);
  const { k, identity } = useSelection();
  const [owner, setOwner] = useState('');
  const [group, setGroup] = useState('');
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useRunner();
  if (!k) return null;
  const users = identity?.users ?? {};
  const groups = identity?.groups ?? {};
  const u = parseIdentity(owner, users, 'user');
  const g = parseIdentity(group, groups, 'group');
  const nothing = u.ok && g.ok && u.value === null && g.value === null;
  return (
    <Modal title={`Change owner of ${k.description}`} onClose={close}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (!u.ok || !g.ok || nothing) return;
          void run(() => api.chownKey(k.id, u.value, g.value));
        }}
      >
        <p className="act-hint">
          Now: {users[k.uid] ?? 'uid'} ({k.uid}), group {groups[k.gid] ?? 'gid'} ({k.gid}). Leave a field empty to keep it. Giving a key away needs CAP_SYS_ADMIN.
        </p>
        <Field label="New owner (name or uid)" reason={!u.ok ? u.reason : touched && nothing ? 'give a new owner, a new group, or both' : null}>
          {(p) => <input {...p} value={owner} onChange={(e) => setOwner(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="New group (name or gid)" reason={!g.ok ? g.reason : null}>
          {(p) => <input {...p} value={group} onChange={(e) => setGroup(e.target.value)} autoComplete="off" />}
        </Field>
        <DialogError error={error} />
        <DialogButtons confirm="Change owner" busy={busy} onCancel={close} />
      </form>
    </Modal>
  );
}
