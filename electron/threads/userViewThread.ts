// The creating side of the user-view thread (userViewWorker.ts): what other uids see, for scans whose
// scope is a uid or all users. One thread serves every uid in turn (switching its own credentials), so an
// `all` scan costs one thread, not one per user. Only that thread's credentials ever change.
// This module must not load koffi on the caller's thread (types only from the body).
import { threadEntryPath } from './entry';
import { ThreadClient } from './rpc';
import type { UserViewOps, UserViewRequest, UserViewStart, ViewRead } from './userViewWorker';

export type { ReaderView, UnchangedView, UserView, UserViewRequest, ViewRead } from './userViewWorker';

export class UserViewThread {
  private readonly thread: ThreadClient<UserViewStart, UserViewOps>;

  constructor() {
    this.thread = new ThreadClient(threadEntryPath('userViewWorker'), { label: 'user view' });
  }

  /** Keyrings the thread made for itself (never shown). */
  async helperKeyIds(): Promise<number[]> {
    return (await this.thread.started()).helperKeyIds;
  }

  /**
   * Each requested uid's /proc/keys and keyring members, read with its credentials. With `changesOnly` (the
   * caller holds the views of this thread's last answer), a view unchanged since (but for the records of the
   * keyrings the scan hides) comes back as `unchanged`. With `readerIsOwn` (the caller's reader reads with the
   * credentials this thread was started with, from an empty session), the view of a uid with those credentials
   * comes back as `asReader`: it is the reader's text.
   */
  async views(procRoot: string, request: UserViewRequest, changesOnly = false, hiddenIds: readonly number[] = [], readerIsOwn = false): Promise<ViewRead[]> {
    await this.thread.started();
    return this.thread.call('views', procRoot, request, changesOnly, [...hiddenIds], readerIsOwn);
  }

  /** True once the thread has died or was closed. */
  get dead(): boolean {
    return this.thread.dead;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
