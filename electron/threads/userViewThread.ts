// The creating side of the user-view thread (userViewWorker.ts): what other uids see, for scans whose
// scope is a uid or all users. One thread serves every uid in turn (switching its own credentials), so an
// `all` scan costs one thread, not one per user. Only that thread's credentials ever change.
// This module must not load koffi on the caller's thread (types only from the body).
import { threadEntryPath } from './entry';
import { ThreadClient } from './rpc';
import type { UserView, UserViewOps, UserViewRequest, UserViewStart } from './userViewWorker';

export type { UserView, UserViewRequest } from './userViewWorker';

export class UserViewThread {
  private readonly thread: ThreadClient<UserViewStart, UserViewOps>;

  constructor() {
    this.thread = new ThreadClient(threadEntryPath('userViewWorker'), { label: 'user view' });
  }

  /** Keyrings the thread made for itself (never shown). */
  async helperKeyIds(): Promise<number[]> {
    return (await this.thread.started()).helperKeyIds;
  }

  /** Each requested uid's /proc/keys and keyring members, read with its credentials. */
  async views(procRoot: string, request: UserViewRequest): Promise<UserView[]> {
    await this.thread.started();
    return this.thread.call('views', procRoot, request);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
