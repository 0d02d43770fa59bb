// Reads a file the person chose (or dropped) for "Compare with…" in the page itself: the same reading
// and validation as `open` and `diff` (shared/snapshotFile.ts), so a bad file gets the same sentence.
import { FileFormatError, finalSnapshot, MAX_FILE_BYTES, parseSavedFile } from '../../../shared/snapshotFile';
import { useCompare } from './compareStore';

/** Opens the comparison with `file`, or says in the compare store why it cannot. */
export async function compareWithFile(file: Pick<File, 'name' | 'size' | 'text'>): Promise<void> {
  try {
    if (file.size > MAX_FILE_BYTES) throw new FileFormatError(`${file.size} bytes is too big for a snapshot (at most ${MAX_FILE_BYTES})`);
    const saved = parseSavedFile(await file.text());
    useCompare.getState().open(file.name, finalSnapshot(saved), saved.kind === 'recording' ? saved.truncated : null);
  } catch (err) {
    const reason = err instanceof FileFormatError ? err.message : `cannot read it: ${err instanceof Error ? err.message : String(err)}`;
    useCompare.getState().fail(`${file.name}: ${reason}`);
  }
}
