// The actions behind the UI's buttons (and the search), over keyctl.ts. Each one re-checks its input with
// shared/validate (the transport's schemas already did, but a direct caller may not have), calls the
// kernel, turns a refusal into words (refusal.ts), answers with what happened in words, and asks for
// a fresh scan so the view shows the kernel's real state right after, whether it worked or not.
// Payloads are secrets: they are never logged, and the buffers read are zeroed once encoded.
import { readFileSync } from 'node:fs';
import type { ActionOutcome, AddKeyRequest, IdentityNames, PayloadRead, SearchOutcome } from '../../shared/api';
import { expiryAfterTimeoutSet, type Expiry } from '../../shared/expiry';
import { KeyringApiError } from '../../shared/protocol';
import type { Snapshot } from '../../shared/snapshot';
import {
  base64ToBytes,
  checkDescription,
  checkKeyId,
  checkKeyType,
  checkPayloadSize,
  checkPermMask,
  checkTimeout,
  parseIdentity,
  type Checked,
} from '../../shared/validate';
import * as keyctl from '../keyring/keyctl';
import { formatKeyId } from '../../shared/keyIds';
import { findKey, nameKey, refusal, resolveSpecial, type Need } from './refusal';
import { counted, cutMiddle } from '../../shared/text';
import { actingAsText, actingUid } from '../../shared/actingUser';
import { ACT_AS_CALLS, ActAsThread, type ActAsCall } from '../threads/actAsThread';
import { registeredUserKeyring } from '../../shared/userGroups';

/** The kernel calls an action makes, each answering a promise (it may run on the act-as thread). */
type KernelCalls = { [N in ActAsCall]: (...args: Parameters<(typeof keyctl)[N]>) => Promise<ReturnType<(typeof keyctl)[N]>> };

function must<T>(checked: Checked<T>, field: string): T {
  if (!checked.ok) throw new KeyringApiError('bad-args', `${field}: ${checked.reason}`);
  return checked.value;
}
const keyId = (v: unknown, field = 'key') => must(checkKeyId(v), field);
const ringId = (v: unknown, field = 'keyring') => must(checkKeyId(v, true), field);

/**
 * The contract's methods that touch keys, for KeyringService to inherit: it supplies the snapshot, the
 * rescan and the identity names; its `implements KeyringApi` checks that the two together cover the table.
 */
export abstract class KeyringActions {
  /** The service's latest snapshot (for names, paths and explaining refusals); null before the first scan. */
  protected abstract latestSnapshot(): Snapshot | null;
  /** A fresh scan, so listeners get the delta the action caused. */
  abstract refresh(): Promise<unknown>;
  abstract getIdentityNames(): Promise<IdentityNames>;
  /** This app set a key's timer itself, so its expiry is known to the second (shared/expiry.ts). */
  protected abstract timeoutSet(id: number, expiry: Expiry): void;

  /** Runs one kernel call: explains a refusal, and rescans afterwards either way. */
  private async run<T>(action: string, needs: Need[], call: () => T | Promise<T>): Promise<T> {
    const before = this.latestSnapshot();
    try {
      return await call();
    } catch (err) {
      throw refusal(err, action, needs, before);
    } finally {
      await this.refresh().catch(() => {});
    }
  }

  /** Made on first use: most services never act on another user's key. */
  private actAs: ActAsThread | null = null;

  /**
   * Where the kernel calls about `ids` run: here, with this process's credentials, or, for keys that only
   * another user's view lists (an all-users view: root has no override on key permissions), on the act-as
   * thread with that user's (shared/actingUser.ts says whose). Refused when the keys need different users,
   * or with a special keyring (@s, @u, … name this process's own, never that user's).
   */
  private kernel(ids: number[]): KernelCalls {
    const uid = this.actingUidFor(ids);
    const userKeyring = uid === null ? null : this.userKeyringOf(uid);
    return Object.fromEntries(
      ACT_AS_CALLS.map((name) => [
        name,
        async (...args: unknown[]) => {
          if (uid === null) return (keyctl[name] as (...a: unknown[]) => unknown)(...args);
          this.actAs ??= new ActAsThread();
          return this.actAs.call(uid, userKeyring, name, ...args);
        },
      ]),
    ) as KernelCalls;
  }

  /** `uid`'s `_uid.N` as the last scan saw it in `.user_reg` (the act-as thread possesses what it holds). */
  private userKeyringOf(uid: number): number | null {
    const keys = this.latestSnapshot()?.keys ?? [];
    return registeredUserKeyring(new Map(keys.map((k) => [k.id, k])), uid);
  }

  private actingUidFor(ids: number[]): number | null {
    const snapshot = this.latestSnapshot();
    const uids = new Set<number>();
    for (const id of ids) {
      const uid = id > 0 ? actingUid(findKey(snapshot, id) ?? undefined) : null;
      if (uid !== null) uids.add(uid);
    }
    if (uids.size === 0) return null;
    const list = [...uids];
    if (list.length > 1) {
      throw new KeyringApiError('forbidden', `these keys are listed only by different users' views (${list.map((u) => `uid ${u}`).join(', ')}): no one user may do this`);
    }
    if (ids.some((id) => id < 0)) {
      throw new KeyringApiError('bad-args', `@s, @u and the other special keyrings name this process's own keyrings; to act as uid ${list[0]}, choose that user's keyring by its id`);
    }
    return list[0] as number;
  }

  /**
   * " as uid 1000 (alice), holding _uid.1000 (0x…) as its logins do" when the action ran as another user
   * (what the act-as thread linked into its own session for the call, or why nothing); "" as this process.
   */
  private async asWho(ids: number[]): Promise<string> {
    const uid = this.actingUidFor(ids);
    if (uid === null) return '';
    const names = await this.getIdentityNames().catch((): IdentityNames => ({ users: {}, groups: {} }));
    const held = this.actAs?.lastHeld;
    const holding =
      held == null ? '' : held.userKeyring === null ? `, possessing nothing (${held.why})` : `, holding _uid.${uid} (${formatKeyId(held.userKeyring)}) as its logins do`;
    return ` ${actingAsText(uid, names.users)}${holding}`;
  }

  /** Stops the act-as thread, if one was started. */
  protected async closeActions(): Promise<void> {
    await this.actAs?.close();
    this.actAs = null;
  }

  private name(id: number): string {
    return nameKey(this.latestSnapshot(), id);
  }

  async addKey(request: AddKeyRequest): Promise<ActionOutcome> {
    const description = must(checkDescription(request.description), 'description');
    const ring = ringId(request.keyring);
    const bytes = request.payloadBase64 === null ? new Uint8Array() : must(base64ToBytes(request.payloadBase64), 'payload');
    must(checkPayloadSize(request.type, bytes.length), 'payload');
    const payload = request.type === 'keyring' ? null : Buffer.from(bytes);
    const existed = new Set(this.latestSnapshot()?.keys.map((k) => k.id));
    const ringName = this.name(ring);
    try {
      const id = await this.run('Add key', [{ id: ring, perms: ['write'], role: 'keyring' }], () =>
        this.kernel([ring]).addKey(request.type, description, payload, ring),
      );
      const what = existed.has(id) ? 'Updated the existing' : 'Added';
      return { keyId: id, message: `${what} ${request.type} key “${cutMiddle(description)}” as ${formatKeyId(id)} in ${ringName}${await this.asWho([ring])}.` };
    } finally {
      payload?.fill(0);
      bytes.fill(0);
    }
  }

  async updateKey(id: number, payloadBase64: string): Promise<ActionOutcome> {
    keyId(id);
    const bytes = must(base64ToBytes(payloadBase64), 'payload');
    const payload = Buffer.from(bytes);
    try {
      await this.run('Update', [{ id, perms: ['write'] }], () => this.kernel([id]).update(id, payload));
      return { keyId: id, message: `Updated the payload of ${this.name(id)} (${payload.length} bytes)${await this.asWho([id])}.` };
    } finally {
      payload.fill(0);
      bytes.fill(0);
    }
  }

  async linkKey(id: number, ring: number): Promise<ActionOutcome> {
    keyId(id);
    ringId(ring);
    const needs: Need[] = [{ id, perms: ['link'] }, { id: ring, perms: ['write'], role: 'keyring' }];
    await this.run('Link', needs, () => this.kernel([id, ring]).link(id, ring));
    return { keyId: id, message: `Linked ${this.name(id)} into ${this.name(ring)}${await this.asWho([id, ring])}.` };
  }

  async unlinkKey(id: number, ring: number): Promise<ActionOutcome> {
    keyId(id);
    ringId(ring);
    const label = this.name(id);
    const from = this.name(ring);
    await this.run('Unlink', [{ id: ring, perms: ['write'], role: 'keyring' }], () => this.kernel([ring, id]).unlink(id, ring));
    const still = findKey(this.latestSnapshot(), id);
    return { keyId: id, message: `Unlinked ${label} from ${from}${await this.asWho([ring, id])}.${still ? '' : ' It is gone: nothing else kept it.'}` };
  }

  async moveKey(id: number, from: number, to: number, exclusive: boolean): Promise<ActionOutcome> {
    keyId(id);
    ringId(from, 'from');
    ringId(to, 'to');
    const needs: Need[] = [
      { id, perms: ['link'] },
      { id: from, perms: ['write'], role: 'keyring' },
      { id: to, perms: ['write'], role: 'keyring' },
    ];
    const [a, b] = [this.name(from), this.name(to)];
    await this.run('Move', needs, () => this.kernel([id, from, to]).move(id, from, to, exclusive ? 1 : 0));
    return { keyId: id, message: `Moved ${this.name(id)} from ${a} to ${b}${await this.asWho([id, from, to])}.` };
  }

  async revokeKey(id: number): Promise<ActionOutcome> {
    keyId(id);
    const label = this.name(id);
    await this.run('Revoke', [{ id, perms: ['write', 'setattr'] }], () => this.kernel([id]).revoke(id));
    return { keyId: id, message: `Revoked ${label}${await this.asWho([id])}: every use of it now fails with EKEYREVOKED until the collector removes it.` };
  }

  async invalidateKey(id: number): Promise<ActionOutcome> {
    keyId(id);
    const label = this.name(id);
    await this.run('Invalidate', [{ id, perms: ['search'] }], () => this.kernel([id]).invalidate(id));
    return { message: `Invalidated ${label}${await this.asWho([id])}: the kernel unlinks it everywhere and destroys it.` };
  }

  async clearKeyring(id: number): Promise<ActionOutcome> {
    ringId(id);
    const k = findKey(this.latestSnapshot(), id);
    const count = k?.links?.length;
    const label = this.name(id);
    await this.run('Clear', [{ id, perms: ['write'], role: 'keyring' }], () => this.kernel([id]).clear(id));
    return { keyId: id, message: `Cleared ${label}${await this.asWho([id])}${count !== undefined ? `: unlinked its ${counted(count, 'member')}` : ''}.` };
  }

  async setKeyTimeout(id: number, seconds: number): Promise<ActionOutcome> {
    keyId(id);
    must(checkTimeout(seconds), 'timeout');
    await this.run('Set timeout', [{ id, perms: ['setattr'] }], async () => {
      const started = Date.now();
      await this.kernel([id]).setTimeout(id, seconds);
      this.timeoutSet(id, expiryAfterTimeoutSet(seconds, started, Date.now()));
    });
    return {
      keyId: id,
      message:
        seconds === 0
          ? `Removed the timeout of ${this.name(id)}${await this.asWho([id])}: it no longer expires.`
          : `${this.name(id)} now expires in ${seconds} s${await this.asWho([id])}.`,
    };
  }

  async setKeyPerm(id: number, perm: number): Promise<ActionOutcome> {
    keyId(id);
    const mask = must(checkPermMask(perm), 'permissions');
    const label = this.name(id);
    await this.run('Set permissions', [{ id, perms: ['setattr'] }], () => this.kernel([id]).setPerm(id, mask));
    return { keyId: id, message: `Set the permissions of ${label} to ${mask.toString(16).padStart(8, '0')}${await this.asWho([id])}.` };
  }

  async chownKey(id: number, uid: number | string | null, gid: number | string | null): Promise<ActionOutcome> {
    keyId(id);
    const names = await this.getIdentityNames().catch((): IdentityNames => ({ users: {}, groups: {} }));
    const u = must(parseIdentity(uid, names.users, 'user'), 'owner');
    const g = must(parseIdentity(gid, names.groups, 'group'), 'group');
    if (u === null && g === null) throw new KeyringApiError('bad-args', 'Change owner: give a new owner, a new group, or both');
    const label = this.name(id);
    await this.run('Change owner', [{ id, perms: ['setattr'] }], () => this.kernel([id]).chown(id, u ?? -1, g ?? -1));
    const parts = [u !== null && `owner ${names.users[u] ?? 'uid'} (${u})`, g !== null && `group ${names.groups[g] ?? 'gid'} (${g})`].filter(Boolean);
    return { keyId: id, message: `Changed ${label} to ${parts.join(' and ')}${await this.asWho([id])}.` };
  }

  async readPayload(id: number): Promise<PayloadRead> {
    keyId(id);
    const type = findKey(this.latestSnapshot(), id)?.type ?? describeType(id);
    if (type === 'logon') {
      // The kernel would answer EOPNOTSUPP: logon keys are for the kernel's own use (cifs, fscrypt, ...).
      throw new KeyringApiError(
        'EOPNOTSUPP',
        `EOPNOTSUPP: ${this.name(id)} is a logon key, unreadable from user space by design: only the kernel uses its payload. The kernel was not asked.`,
      );
    }
    if (type === 'keyring') {
      throw new KeyringApiError('bad-args', `${this.name(id)} is a keyring: its “payload” is its member list, shown in the tree.`);
    }
    const buffer = await this.run('Read payload', [{ id, perms: ['read'] }], () => this.kernel([id]).read(id));
    try {
      return { id, base64: buffer.toString('base64'), length: buffer.length };
    } finally {
      buffer.fill(0);
    }
  }

  async searchKey(ring: number, type: string, description: string): Promise<SearchOutcome> {
    ringId(ring);
    must(checkKeyType(type), 'type');
    must(checkDescription(description), 'description');
    // KEYCTL_SEARCH with no destination changes nothing, so no rescan is needed.
    let found: number;
    try {
      found = await this.kernel([ring]).search(ring, type, description, 0);
    } catch (err) {
      throw refusal(err, `Search for ${type} “${cutMiddle(description)}”`, [{ id: ring, perms: ['search'], role: 'keyring' }], this.latestSnapshot());
    }
    const snapshot = this.latestSnapshot();
    const start = resolveSpecial(snapshot, ring);
    const path = start === null ? null : pathTo(snapshot, start, found);
    const through = path ? ` through ${path.map((r) => this.name(r)).join(' › ')}` : '';
    return { found, path, message: `Found ${this.name(found)}${through}.` };
  }

  async getPersistentKeyring(uid: number | null, dest: number): Promise<ActionOutcome> {
    if (uid !== null) must(parseIdentity(uid, {}, 'user'), 'uid');
    ringId(dest, 'destination');
    const who = uid === null ? 'this user' : `uid ${uid}`;
    const renewal = persistentExpirySeconds();
    const id = await this.run('Get persistent keyring', [{ id: dest, perms: ['write'], role: 'keyring' }], async () => {
      const started = Date.now();
      const persistent = await this.kernel([dest]).getPersistent(uid ?? -1, dest);
      // The kernel has just set its timer to persistent_keyring_expiry from now.
      if (renewal !== null) this.timeoutSet(persistent, expiryAfterTimeoutSet(renewal, started, Date.now()));
      return persistent;
    });
    const renewed = renewal === null ? 'its expiry timer was renewed' : `its expiry timer was renewed (${renewal} s from now)`;
    return { keyId: id, message: `Linked the persistent keyring of ${who}, ${formatKeyId(id)}, into ${this.name(dest)}; ${renewed}.` };
  }
}

function describeType(id: number): string | null {
  try {
    return keyctl.describe(id).type;
  } catch {
    return null; // KEYCTL_READ will say why
  }
}

function persistentExpirySeconds(): number | null {
  try {
    const n = Number(readFileSync('/proc/sys/kernel/keys/persistent_keyring_expiry', 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/**
 * The keyrings from `start` down to the one that links `target`, shortest first (breadth-first over the
 * snapshot's links). Null when the snapshot does not show a way (a keyring it may not read, say).
 */
export function pathTo(snapshot: Snapshot | null, start: number, target: number): number[] | null {
  if (!snapshot) return null;
  const byId = new Map(snapshot.keys.map((k) => [k.id, k]));
  const previous = new Map<number, number | null>([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const ring = queue.shift()!;
    for (const member of byId.get(ring)?.links ?? []) {
      if (member === target) {
        const path = [ring];
        for (let p = previous.get(ring); p != null; p = previous.get(p)) path.unshift(p);
        return path;
      }
      if (!previous.has(member) && byId.get(member)?.type === 'keyring') {
        previous.set(member, ring);
        queue.push(member);
      }
    }
  }
  return null;
}
