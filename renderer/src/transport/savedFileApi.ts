// A KeyringApi that is a saved file read in the page (dropped on the window, or File → Open… in the
// desktop app): what `keyring-browser open` serves (electron/files/fileService.ts), without a server.
// Nothing here touches the kernel: every action is refused, key details say they were not saved, and
// uid/gid names are not guessed (the file may come from another machine).
import { MAX_POLL_INTERVAL_MS, type KeyringApi, type PollerStatus } from '../../../shared/api';
import { KeyringApiError } from '../../../shared/protocol';
import { replayChanges, savedFileOrigin, type SavedFile } from '../../../shared/snapshotFile';
import { unavailableApi } from './unavailableApi';

export function savedFileApi(name: string, file: SavedFile): KeyringApi {
  const start = file.kind === 'snapshot' ? file.snapshot : file.start;
  const origin = savedFileOrigin(name, file);
  const changes = replayChanges(file.kind === 'recording' ? file.deltas : []);
  const status: PollerStatus = { intervalMs: MAX_POLL_INTERVAL_MS, paused: true, lastScan: null, lastError: null };
  const capabilities = { actionsAllowed: false, readOnly: true, origin };
  const refuse = () => Promise.reject(new KeyringApiError('forbidden', `${name} is a saved file: nothing in it can be changed`));
  return {
    ...unavailableApi(refuse),
    getSnapshot: async () => ({ seq: 0, snapshot: start }),
    getStatus: async () => status,
    setPollInterval: async () => status,
    pause: async () => status,
    resume: async () => status,
    refresh: async () => status,
    getKeyDetails: async (id) => ({ id, security: null, securityError: 'not saved in the file' }),
    getIdentityNames: async () => ({ users: {}, groups: {} }),
    getCapabilities: async () => capabilities,
    setReadOnly: async () => capabilities,
    getRecordedChanges: async () => ({ deltas: changes }),
  };
}
