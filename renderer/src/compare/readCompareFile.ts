// "Compare with…" on a file read in the page (files/readFileInPage.ts: the same sentences as `open`).
import { finalSnapshot } from '../../../shared/snapshotFile';
import { readFileInPage, type PageFile } from '../files/readFileInPage';
import { useCompare } from './compareStore';

/** Opens the comparison with `file`, or says in the compare store why it cannot. */
export async function compareWithFile(file: PageFile): Promise<void> {
  try {
    const saved = await readFileInPage(file);
    useCompare.getState().open(file.name, finalSnapshot(saved), saved.kind === 'recording' ? saved.truncated : null);
  } catch (err) {
    useCompare.getState().fail(err instanceof Error ? err.message : String(err));
  }
}
