// The creating side of the act-as thread (actAsWorker.ts): keyctl calls made with another uid's
// credentials, for actions on keys only that user's view lists. Refusals come back as the KeyctlError the
// service already explains (refusal.ts). Must not load koffi on the caller's thread (types only from the body).
import { KeyctlError } from '../keyring/keyctlError';
import type { ActAsOps } from './actAsWorker';
import { threadEntryPath } from './entry';
import { ThreadClient } from './rpc';

/** The keyctl calls an action may make as another user. */
export const ACT_AS_CALLS = ['addKey', 'update', 'read', 'link', 'unlink', 'move', 'revoke', 'invalidate', 'clear', 'setTimeout', 'setPerm', 'chown', 'search', 'getPersistent'] as const;
export type ActAsCall = (typeof ACT_AS_CALLS)[number];

export class ActAsThread {
  private thread: ThreadClient<null, ActAsOps> | null = null;

  /** Makes keyctl call `name` as `uid`; a refusal throws the KeyctlError it would here. */
  async call(uid: number, name: ActAsCall, ...args: unknown[]): Promise<unknown> {
    if (!this.thread || this.thread.dead) this.thread = new ThreadClient(threadEntryPath('actAsWorker'), { label: 'act-as' });
    await this.thread.started();
    const answer = await this.thread.call('call', uid, name, args);
    if (!answer.ok) throw new KeyctlError(answer.op, answer.errno, answer.keyId);
    return answer.value instanceof Uint8Array ? Buffer.from(answer.value.buffer, answer.value.byteOffset, answer.value.byteLength) : answer.value;
  }

  close(): Promise<void> {
    return this.thread?.close() ?? Promise.resolve();
  }
}
