// A file read in the page (dropped on the window, chosen for "Compare with…", or handed over by the
// desktop app's File menu): the same size limit, reading and validation as `open` and `diff`
// (shared/snapshotFile.ts), so a bad file gets the same sentence, named by the file.
import { FileFormatError, MAX_FILE_BYTES, parseSavedFile, type SavedFile } from '../../../shared/snapshotFile';

/** What the page needs of a File (a dropped one, or text the desktop app read). */
export type PageFile = Pick<File, 'name' | 'size' | 'text'>;

/** The file read and validated; throws FileFormatError whose message is one sentence naming the file. */
export async function readFileInPage(file: PageFile): Promise<SavedFile> {
  try {
    if (file.size > MAX_FILE_BYTES) throw new FileFormatError(`${file.size} bytes is too big for a snapshot (at most ${MAX_FILE_BYTES})`);
    return parseSavedFile(await file.text());
  } catch (err) {
    const reason = err instanceof FileFormatError ? err.message : `cannot read it: ${err instanceof Error ? err.message : String(err)}`;
    throw new FileFormatError(`${file.name}: ${reason}`);
  }
}

/** Text the desktop app read from disk, as a PageFile. */
export function textFile(name: string, text: string): PageFile {
  return { name, size: text.length, text: async () => text };
}
