// The creating side of the act-as thread (actAsWorker.ts): keyctl calls made with another uid's
// credentials, for actions on keys only that user's view lists. Refusals come back as the KeyctlError the
// service already explains (refusal.ts). Must not load koffi on the caller's thread (types only from the body).
import { KeyctlError } from '../keyring/keyctlError';
import type { ActAsOps, Held } from './actAsWorker';
import { threadEntryPath } from './entry';
import { ThreadClient } from './rpc';

/** The keyctl calls an action may make as another user. */
export const ACT_AS_CALLS = ['addKey', 'update', 'read', 'link', 'unlink', 'move', 'revoke', 'invalidate', 'clear', 'setTimeout', 'setPerm', 'chown', 'search', 'getPersistent'] as const;
export type ActAsCall = (typeof ACT_AS_CALLS)[number];

export class ActAsThread {
  private thread: ThreadClient<null, ActAsOps> | null = null;

  /** What the last call held (the user keyring it linked into its session, or why none): for the outcome's words. */
  lastHeld: Held | null = null;

  /**
   * Makes keyctl call `name` as `uid`, possessing what `userKeyring` (that uid's `_uid.N`, by id; null: none
   * is known) holds; a refusal throws the KeyctlError it would here.
   */
  async call(uid: number, userKeyring: number | null, name: ActAsCall, ...args: unknown[]): Promise<unknown> {
    const thread = await this.started();
    const answer = await thread.call('call', uid, userKeyring, name, args);
    this.lastHeld = answer.held;
    if (!answer.ok) throw new KeyctlError(answer.op, answer.errno, answer.keyId);
    return answer.value instanceof Uint8Array ? Buffer.from(answer.value.buffer, answer.value.byteOffset, answer.value.byteLength) : answer.value;
  }

  /** The thread's ids and its session keyring's members now (tests: its own again after every call). */
  async state(): Promise<{ fsuid: number; fsgid: number; sessionMembers: number[] }> {
    return (await this.started()).call('state');
  }

  private async started(): Promise<ThreadClient<null, ActAsOps>> {
    if (!this.thread || this.thread.dead) this.thread = new ThreadClient(threadEntryPath('actAsWorker'), { label: 'act-as' });
    await this.thread.started();
    return this.thread;
  }

  close(): Promise<void> {
    return this.thread?.close() ?? Promise.resolve();
  }
}
