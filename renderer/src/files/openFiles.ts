// Two files chosen at once (Compare with… or a drop): the later one is shown, as a dropped file is, and
// compared with the earlier (by when each was taken, its last moment for a recording). Root.tsx, which
// holds what the window shows, registers the opener; the toolbar's Compare with… only knows this module.
import { finalSnapshot } from '../../../shared/snapshotFile';
import { useCompare } from '../compare/compareStore';
import { readFileInPage, type PageFile } from './readFileInPage';
import type { SavedFile } from '../../../shared/snapshotFile';

type Opener = (name: string, saved: SavedFile) => void;
let opener: Opener | null = null;

/** Root.tsx: how to show a file; returns the undo for its cleanup. */
export function setFileOpener(open: Opener): () => void {
  opener = open;
  return () => {
    if (opener === open) opener = null;
  };
}

/** Shows the later of two files compared with the earlier; a file that cannot be read is said in the comparison panel. */
export async function openPair(a: PageFile, b: PageFile): Promise<void> {
  try {
    const [x, y] = await Promise.all([readFileInPage(a), readFileInPage(b)]);
    const [earlier, later] = finalSnapshot(x).takenAt <= finalSnapshot(y).takenAt ? [{ f: a, s: x }, { f: b, s: y }] : [{ f: b, s: y }, { f: a, s: x }];
    opener?.(later.f.name, later.s);
    useCompare.getState().open(earlier.f.name, finalSnapshot(earlier.s), earlier.s.kind === 'recording' ? earlier.s.truncated : null);
  } catch (err) {
    useCompare.getState().fail(err instanceof Error ? err.message : String(err));
  }
}
