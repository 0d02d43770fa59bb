// Drag and drop of a snapshot or recording onto the window opens it, as `keyring-browser open` would
// (in the desktop app and in a browser alike: the page reads the file itself); two files dropped at once
// are compared (the later shown, compared with the earlier: files/openFiles.ts). While a file is dragged
// over the window a sheet says what dropping it does; a file that cannot be read is said in one sentence.
import { useEffect, useState } from 'react';
import type { PageFile } from './readFileInPage';

const hasFiles = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');

export function FileDrop({ onFiles, problem, onDismiss }: { onFiles: (files: PageFile[]) => void; problem: string | null; onDismiss: () => void }) {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // without this the drop never comes
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setOver(true);
    };
    // Leaving the window (not just one element inside it): no element to go to.
    const onLeave = (e: DragEvent) => e.relatedTarget === null && setOver(false);
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) onFiles(files);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [onFiles]);
  return (
    <>
      {over && (
        <div className="file-drop" aria-hidden="true">
          <p>Drop a snapshot (.json) or recording (.jsonl) to open it, read-only; two to compare them</p>
        </div>
      )}
      {problem && (
        <div className="file-problem" role="alert">
          <span>{problem}</span>
          <button type="button" className="btn btn-small" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </>
  );
}
