import type { Snapshot } from '../../shared/snapshot';

/** Takes snapshots off the caller's thread (a worker); the service polls it. */
export interface SnapshotSource {
  scan(): Promise<Snapshot>;
  close(): Promise<void>;
}
