// The toolbar's "Compare with…": choose a saved snapshot or recording; the tree then marks what changed
// from it to what the window shows, and the differences replace the change log until closed.
import { useRef } from 'react';
import { useKb } from '../store';
import { useCompare } from './compareStore';
import { compareWithFile } from './readCompareFile';

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
        title="Compare with a saved snapshot or recording (snapshot --json, Export → Snapshot JSON, serve --record): what was added, removed and changed since"
        onClick={() => input.current?.click()}
      >
        Compare with…
      </button>
      <input
        ref={input}
        type="file"
        accept=".json,.jsonl,application/json"
        hidden
        aria-label="Snapshot file to compare with"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // choosing the same file again compares again
          if (file) void compareWithFile(file);
        }}
      />
    </>
  );
}
