// The pieces of `npm run package:check` (scripts/packageCheck.mjs) that decide; the packing itself runs in
// `npm test` (electron-builder takes ~10 s).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const load = () => import('./packageCheck.mjs');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kb-pkgcheck-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('package check', () => {
  it("follows a worker's requires and names what is not unpacked", async () => {
    const { missingRequires } = await load();
    const root = tree({
      'dist/threads/w.js': 'const a = require("../keyring/a");\nconst fs = require("node:fs");\nconst path = require("path");',
      'dist/keyring/a.js': 'require("./b"); require("../names"); require("koffi"); require("zod/v4"); require("@koromix/koffi-linux-x64");',
      'dist/keyring/b.js': 'require("./a");',
      'node_modules/koffi/package.json': '{}',
    });
    expect(missingRequires(join(root, 'dist/threads/w.js'), root).sort()).toEqual([
      'dist/keyring/a.js requires ../names',
      'dist/keyring/a.js requires the package @koromix/koffi-linux-x64',
      'dist/keyring/a.js requires the package zod',
    ]);
  });

  it("reads the configured desktop entry, and this repository's file says the same", async () => {
    const { configuredDesktopEntry, configuredLinuxList, desktopEntryFields } = await load();
    const root = resolve(__dirname, '..');
    const configured = configuredDesktopEntry(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8'));
    expect(configured).toMatchObject({ Name: 'Keyring Browser', Terminal: 'false', StartupWMClass: 'Keyring Browser' });
    const shipped = desktopEntryFields(readFileSync(join(root, 'build', 'keyring-browser.desktop'), 'utf8'));
    for (const [key, value] of Object.entries(configured)) expect(shipped[key], key).toBe(value);
    expect(shipped.Exec).toMatch(/^keyring-browser\b/);
    // A file manager opens snapshots with it: the files as arguments, JSON as the type.
    const yml = readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8');
    expect(configuredLinuxList(yml, 'executableArgs')).toEqual(['%F']);
    expect(configuredLinuxList(yml, 'mimeTypes')).toEqual(['application/json']);
    expect(shipped).toMatchObject({ Exec: 'keyring-browser %F', MimeType: 'application/json;' });
  });

  it('fails a layout without the archive', async () => {
    const { checkPackage } = await load();
    const results = checkPackage(tree({ 'keyring-browser': '' }));
    expect(results.filter((r) => !r.ok).map((r) => r.what)).toEqual(['resources/app.asar']);
  });
});
