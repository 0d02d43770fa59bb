// The saved-file format's version number, on its own: `snapshot --json` writes it on a path that must not load
// the file schemas (shared/snapshotFile.ts, zod: ~100 modules, over 100 ms of a one-shot process's start).
export const FILE_FORMAT = 1;
