// The toolbar's "Compare with…": choose a saved snapshot or recording; the tree then marks what changed
// from it to what the window shows, and the differences replace the change log until closed. Choose two
// files and the later is shown, compared with the earlier (files/openFiles.ts).
import { useRef } from 'react';
import { useKb } from '../store';
import { useCompare } from './compareStore';
import { compareWithFile } from './readCompareFile';
import { openPair } from '../files/openFiles';

export function CompareButton() {
  const hasSnapshot = useKb((s) => s.meta != null);
  const comparing = useCompare((s) => s.file !== null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={!hasSnapshot}
        aria-pressed={comparing}
        title="Compare with a saved snapshot or recording (snapshot --json, Export → Snapshot JSON, serve --record): what was added, removed and changed since; choose two files to compare them"
        onClick={() => input.current?.click()}
      >
        Compare with…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,.jsonl,application/json"
        multiple
        hidden
        aria-label="Snapshot file to compare with"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // choosing the same file again compares again
          if (files.length === 1) void compareWithFile(files[0]!);
          else if (files.length === 2) void openPair(files[0]!, files[1]!);
          else if (files.length > 2) useCompare.getState().fail(`${files.length} files chosen: choose one to compare with what is shown, or two to compare them`);
        }}
      />
    </>
  );
}
