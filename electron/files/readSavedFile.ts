// Reads a snapshot or recording file from disk for `open`, `diff` and the app's File menu. Every way
// a file can fail to be read (missing, a directory, unreadable, too big, not a snapshot) ends in a
// FileFormatError whose message is one sentence naming the file.
import { readFileSync, statSync } from 'node:fs';
import { FileFormatError, MAX_FILE_BYTES, parseSavedFile, type SavedFile } from '../../shared/snapshotFile';

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
};

export function readSavedFile(path: string): SavedFile {
  return readSavedFileFromText(path, readText(path));
}

/** The file's text, checked as readSavedFile checks it (for the desktop app, which hands the text to the page). */
export function readSavedFileText(path: string): string {
  const text = readText(path);
  // Parsed here too, so a bad file is refused with its sentence before it reaches the page.
  readSavedFileFromText(path, text);
  return text;
}

function readSavedFileFromText(path: string, text: string): SavedFile {
  try {
    return parseSavedFile(text);
  } catch (err) {
    if (err instanceof FileFormatError) throw new FileFormatError(`${path}: ${err.message}`);
    throw err;
  }
}

function readText(path: string): string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new FileFormatError(`${path}: it is a directory, not a file`);
    if (!st.isFile()) throw new FileFormatError(`${path}: not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new FileFormatError(`${path}: ${st.size} bytes is too big for a snapshot (at most ${MAX_FILE_BYTES})`);
    const bytes = readFileSync(path);
    const text = bytes.toString('utf8');
    if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) throw new FileFormatError(`${path}: not UTF-8 text`);
    return text;
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === 'string') throw new FileFormatError(`${path}: cannot read it: ${ERRNO_WORDS[code] ?? code}`);
    throw err;
  }
}
