// The one engine-side implementation of KeyringApi, behind both transports (Electron IPC and serve's
// WebSocket). It owns the poller, turns successive snapshots into deltas and fans events out.
//
// What is pushed, and when:
// - `delta` after a poll that changed something; a poll where nothing changed pushes nothing at all.
// - `status` when the status itself changes: paused/resumed, interval set, a scan starts or stops
//   failing. The last scan's cost rides along at most once every STATUS_SCAN_EVERY_MS, and only on
//   a poll that pushes a delta anyway, so an idle keyring stays silent; getStatus/refresh always
//   answer with the fresh figure (the scan thread's last poll, reported to this thread or not: Poller.lastScan).
import {
  DEFAULT_POLL_INTERVAL_MS,
  type Capabilities,
  type DataOrigin,
  MAX_POLL_INTERVAL_MS,
  MIN_POLL_INTERVAL_MS,
  type IdentityNames,
  type KeyDetails,
  type KeyringApi,
  type KeyringEvent,
  type PollerStatus,
  type RecordedChanges,
  type SnapshotDelta,
  type VersionedSnapshot,
} from '../../shared/api';
import { diffSnapshots } from '../../shared/delta';
import { replayChanges } from '../../shared/snapshotFile';
import { ExpiryTracker, type Expiry } from '../../shared/expiry';
import { headOf, rowsOf, snapshotOfRows } from '../../shared/keyRows';
import { KeyringApiError } from '../../shared/protocol';
import type { ScanScope, Snapshot } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';
import { readIdentityNames } from '../names';
import { KeyringActions } from './actions';
import { readKeyDetails } from './keyDetails';
import { Poller } from './poller';

export const STATUS_SCAN_EVERY_MS = 5000;

export interface KeyringServiceOptions {
  source: SnapshotSource;
  intervalMs?: number;
  /** KEYCTL_GET_SECURITY and friends; injectable so transport tests need no kernel. */
  readKeyDetails?: (id: number) => KeyDetails | Promise<KeyDetails>;
  readIdentityNames?: () => Promise<IdentityNames>;
  diff?: (prev: Snapshot, next: Snapshot, seq: number) => SnapshotDelta | null;
  /** Wall clock for status throttling (injectable for tests). */
  now?: () => number;
  /** Where the source's keys come from; a saved file (electron/files) allows no action (dispatch.ts refuses them). */
  origin?: DataOrigin;
  /** What the source scans (the process's own view by default); told to the UI in getCapabilities. */
  scope?: ScanScope;
  /** A recording's changes after the snapshot the source gives (`open` on a recording), for the replay. */
  recordedChanges?: readonly SnapshotDelta[];
}

/** Why a service's scope cannot be switched: its source scans one scope, chosen where it was started. */
const FIXED_SCOPE = 'this server scans the scope it was started with (serve --all-users or --uid N); the switch is the desktop app\'s';

type Listener = (event: KeyringEvent) => void;

/**
 * The contract's reads and the poller are here; the actions are inherited from KeyringActions.
 * `implements KeyringApi` is what makes a table entry without an implementation fail to compile.
 */
export class KeyringService extends KeyringActions implements KeyringApi {
  private readonly poller: Poller;
  private readonly listeners = new Set<Listener>();
  private readonly diff: NonNullable<KeyringServiceOptions['diff']>;
  private readonly now: () => number;
  private current: VersionedSnapshot | null = null;
  private lastError: string | null = null;
  /** The source's restart count the clients last heard of. */
  private restartsPushed = 0;
  private lastStatusPushAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** Narrows each key's expiry window across polls, and knows the timeouts this app set. */
  private readonly expiries = new ExpiryTracker();

  constructor(private readonly options: KeyringServiceOptions) {
    super();
    const intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    assertInterval(intervalMs);
    this.diff = options.diff ?? diffSnapshots;
    this.now = options.now ?? Date.now;
    this.poller = new Poller({
      source: options.source,
      intervalMs,
      onSnapshot: (snapshot) => this.onSnapshot(snapshot),
      onError: (error) => this.onScanError(error),
      // A poll that finds nothing changed wakes this thread only when the tracker would learn from its read time.
      wakeAt: () => this.expiries.firstContradictingRead(),
    });
  }

  /** Starts polling (first scan at once). */
  start(): this {
    this.poller.start();
    return this;
  }

  /** Stops polling, closes the source and forgets the listeners. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.poller.stop();
    await this.options.source.close();
    await this.closeActions();
  }

  // --- KeyringApi -------------------------------------------------------------------------------

  async getSnapshot(): Promise<VersionedSnapshot> {
    if (!this.current) await this.poller.scanNow();
    if (!this.current) throw new KeyringApiError('internal', this.lastError ?? 'no snapshot could be taken');
    return this.current;
  }

  async getStatus(): Promise<PollerStatus> {
    return this.status();
  }

  async setPollInterval(ms: number): Promise<PollerStatus> {
    assertInterval(ms);
    if (ms !== this.poller.interval) {
      this.poller.setInterval(ms);
      this.pushStatus();
    }
    return this.status();
  }

  async pause(): Promise<PollerStatus> {
    if (!this.poller.isPaused) {
      this.poller.pause();
      this.pushStatus();
    }
    return this.status();
  }

  async resume(): Promise<PollerStatus> {
    if (this.poller.isPaused) {
      this.poller.resume();
      this.pushStatus();
    }
    return this.status();
  }

  override async refresh(): Promise<PollerStatus> {
    await this.poller.scanNow();
    return this.status();
  }

  async getKeyDetails(id: number): Promise<KeyDetails> {
    const read = this.options.readKeyDetails ?? readKeyDetails;
    return read(id);
  }

  override async getIdentityNames(): Promise<IdentityNames> {
    const read = this.options.readIdentityNames ?? readIdentityNames;
    return read();
  }

  /**
   * A direct caller may do everything; the transports narrow this to what their connection allows and
   * hold each connection's read-only switch (dispatch.ts).
   */
  async getCapabilities(): Promise<Capabilities> {
    const origin = this.options.origin;
    if (origin?.kind === 'file') return { actionsAllowed: false, readOnly: true, origin };
    const view = {
      scope: this.options.scope ?? { kind: 'process' as const },
      provider: { kind: 'process' as const, uid: process.getuid?.() ?? -1, pid: process.pid },
      fixed: FIXED_SCOPE,
    };
    return { actionsAllowed: true, readOnly: false, ...(origin ? { origin } : {}), view };
  }

  /** A direct caller has no switch; dispatch.ts answers this for a connection. */
  async setReadOnly(): Promise<Capabilities> {
    return this.getCapabilities();
  }

  /** The desktop app switches scope in its main process (electron/helper/scopeRouter.ts); here the scope is fixed. */
  async setScope(): Promise<Capabilities> {
    throw new KeyringApiError('forbidden', FIXED_SCOPE);
  }

  async startHelper(): Promise<Capabilities> {
    throw new KeyringApiError('forbidden', 'only the desktop app starts the helper; run `keyring-browser helper` (as root) yourself');
  }

  async getRecordedChanges(): Promise<RecordedChanges> {
    // Renumbered after the first snapshot (seq 0), so the replay can apply them as the live stream's.
    return { deltas: replayChanges(this.options.recordedChanges ?? []) };
  }

  protected override latestSnapshot(): Snapshot | null {
    return this.current?.snapshot ?? null;
  }

  protected override timeoutSet(id: number, expiry: Expiry): void {
    this.expiries.timeoutSet(id, expiry);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  // --- polling ----------------------------------------------------------------------------------

  private status(): PollerStatus {
    const restarts = this.options.source.restarts?.() ?? null;
    return {
      intervalMs: this.poller.interval,
      paused: this.poller.isPaused,
      lastScan: this.poller.lastScan,
      lastError: this.lastError,
      ...(restarts ? { restarts } : {}),
    };
  }

  /** Whether the scan thread was replaced since the status was last pushed (the clients must hear of it). */
  private restartedSincePush(): boolean {
    const count = this.options.source.restarts?.()?.count ?? 0;
    if (count === this.restartsPushed) return false;
    this.restartsPushed = count;
    return true;
  }

  private onSnapshot(scanned: Snapshot): void {
    // The scan's read started after takenAt and ended before now: a key whose record was as it was carries an earlier
    // poll's window, and the tracker reads its column at these times itself.
    const rows = rowsOf(scanned);
    const narrowed = rows === null ? null : this.expiries.narrowRows(rows, { startedAt: scanned.takenAt, endedAt: Date.now() });
    const snapshot = narrowed === null || narrowed === rows ? scanned : snapshotOfRows(headOf(scanned), narrowed);
    const restarted = this.restartedSincePush();
    const recovered = this.lastError !== null || restarted;
    this.lastError = null;
    if (!this.current) {
      // The first snapshot is fetched with getSnapshot, never pushed.
      this.current = { seq: 0, snapshot };
      if (recovered) this.pushStatus();
      return;
    }
    const seq = this.current.seq + 1;
    const delta = this.diff(this.current.snapshot, snapshot, seq);
    if (delta) {
      // What the clients hold now (prev + delta equals the snapshot diffed: shared/delta.ts), as this very array,
      // which the next polls' keys are made from: their diffs then look only at what changed (shared/keyLineage.ts).
      this.current = { seq, snapshot };
      this.emit({ type: 'delta', delta });
    } else if (rowsOf(snapshot) !== rowsOf(this.current.snapshot)) {
      // Nothing changed, but the keys came as other rows (the first idle poll after a delta, whose keys the clients'
      // copy applied): hold the source's, so the next idle poll's diff finds the same rows and looks at nothing.
      const keys = rowsOf(snapshot);
      const head = headOf(this.current.snapshot);
      this.current = { seq: this.current.seq, snapshot: keys === null ? { ...head, keys: snapshot.keys } : snapshotOfRows(head, keys) };
    }
    if (recovered || (delta && this.now() - this.lastStatusPushAt >= STATUS_SCAN_EVERY_MS)) this.pushStatus();
  }

  private onScanError(error: unknown): void {
    const message = `scan failed: ${error instanceof Error ? error.message : String(error)}`;
    if (message === this.lastError) return;
    this.lastError = message;
    this.pushStatus();
  }

  private pushStatus(): void {
    this.lastStatusPushAt = this.now();
    this.emit({ type: 'status', status: this.status() });
  }

  private emit(event: KeyringEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener (a closed socket, a destroyed window) must not starve the others.
      }
    }
  }
}

function assertInterval(ms: number): void {
  if (!Number.isInteger(ms) || ms < MIN_POLL_INTERVAL_MS || ms > MAX_POLL_INTERVAL_MS) {
    throw new KeyringApiError(
      'bad-args',
      `the poll interval must be a whole number of ms between ${MIN_POLL_INTERVAL_MS} and ${MAX_POLL_INTERVAL_MS}`,
    );
  }
}
