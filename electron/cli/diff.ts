// `keyring-browser diff A B`: what changed between two saved snapshots, in the change log's words.
// Exit status as diff(1): 0 same, 1 different; a file that cannot be read throws FileFormatError (2).
// A recording compares as its final state (its start replayed through every change).
import { compareSnapshots, describeComparison } from '../../shared/snapshotDiff';
import { FILE_FORMAT, finalSnapshot, type SavedFile } from '../../shared/snapshotFile';
import type { Snapshot } from '../../shared/snapshot';
import { readSavedFile } from '../files/readSavedFile';

export interface DiffIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

export function runDiff(command: { before: string; after: string; json: boolean }, io: DiffIo): number {
  const a = finalState(command.before, readSavedFile(command.before), io);
  const b = finalState(command.after, readSavedFile(command.after), io);
  const differences = compareSnapshots(a, b);
  if (command.json) {
    const side = (file: string, s: Snapshot) => ({ file, takenAt: s.takenAt });
    io.stdout(JSON.stringify({ format: FILE_FORMAT, before: side(command.before, a), after: side(command.after, b), differences }, null, 2) + '\n');
  } else {
    io.stdout(describeComparison(differences));
  }
  return differences.length ? 1 : 0;
}

/** The snapshot a file ends in: itself, or a recording's start with every change applied. */
export function finalState(path: string, file: SavedFile, io: Pick<DiffIo, 'stderr'>): Snapshot {
  if (file.kind === 'recording' && file.truncated) io.stderr(`keyring-browser: ${path}: ${file.truncated}\n`);
  return finalSnapshot(file);
}
