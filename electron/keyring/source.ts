import type { ScannerRestarts } from '../../shared/api';
import type { Snapshot } from '../../shared/snapshot';

/** Takes snapshots off the caller's thread (a worker); the service polls it. */
export interface SnapshotSource {
  scan(): Promise<Snapshot>;
  close(): Promise<void>;
  /** For a source whose scan thread can die and be replaced: how often that happened; null when never. */
  restarts?(): ScannerRestarts | null;
}
