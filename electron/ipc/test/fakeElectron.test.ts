// The stand-in electron module offers every export the Electron sources import: a name added to an
// `import { … } from 'electron'` without a stand-in would otherwise surface only when a test reaches it.
// (That each member fits Electron's type is checked at compile time, in fakeElectron.ts.)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFakeElectron } from './fakeElectron';

const electronDir = resolve(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The value names each file imports from 'electron' (type-only names left out). */
function electronImports(): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const file of sourceFiles(electronDir)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'electron';/gm)) {
      if (match[1]) continue;
      const names = match[2]!
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n && !n.startsWith('type '))
        .map((n) => n.split(/\s+as\s+/)[0]!);
      imports.set(relative(electronDir, file), [...(imports.get(relative(electronDir, file)) ?? []), ...names]);
    }
  }
  return imports;
}

describe('the stand-in electron module', () => {
  it('offers every export the Electron sources import', () => {
    const imports = electronImports();
    // The files that touch Electron: if this list changes, the stand-in must follow.
    expect([...imports.keys()].sort()).toEqual(['desktop/desktopCommands.ts', 'ipc/bindService.ts', 'ipc/readOnlyDialog.ts', 'main.ts', 'preload.ts']);
    const offered = Object.keys(createFakeElectron().module);
    for (const [file, names] of imports) {
      for (const name of names) expect(offered, `${file} imports ${name}`).toContain(name);
    }
  });
});
