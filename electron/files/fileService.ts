// What `open` (and the app's File → Open…) serves: a KeyringService whose source is a saved file.
// Nothing here touches the kernel: the source hands back the file's snapshot, key details say they were
// not saved, uid/gid names are not guessed from this host's /etc/passwd (the file may come from
// another machine), and every action is refused by the service (origin 'file').
import { basename } from 'node:path';
import { MAX_POLL_INTERVAL_MS, type IdentityNames, type KeyDetails } from '../../shared/api';
import { savedFileOrigin, type SavedFile } from '../../shared/snapshotFile';
import type { Snapshot } from '../../shared/snapshot';
import type { SnapshotSource } from '../keyring/source';
import type { KeyringServiceOptions } from '../service/keyringService';

/** The options a KeyringService (or startServer) needs to show a saved file. */
export function fileServiceOptions(path: string, file: SavedFile): Required<Pick<KeyringServiceOptions, 'source' | 'intervalMs' | 'readKeyDetails' | 'readIdentityNames' | 'origin' | 'recordedChanges'>> {
  const snapshot = file.kind === 'snapshot' ? file.snapshot : file.start;
  return {
    source: fileSource(snapshot),
    // The file never changes: poll as seldom as the service allows.
    intervalMs: MAX_POLL_INTERVAL_MS,
    readKeyDetails: (id: number): KeyDetails => ({ id, security: null, securityError: 'not saved in the file' }),
    readIdentityNames: async (): Promise<IdentityNames> => ({ users: {}, groups: {} }),
    origin: savedFileOrigin(basename(path), file),
    recordedChanges: file.kind === 'recording' ? file.deltas : [],
  };
}

/** A SnapshotSource that is the file: every scan is the saved snapshot. */
export function fileSource(snapshot: Snapshot): SnapshotSource {
  return {
    scan: async () => snapshot,
    close: async () => {},
  };
}
