#!/usr/bin/env node
// `npm run package:check`: packs the app with electron-builder's `dir` target, offline, and checks the
// package's layout. Electron's binary cannot be downloaded on offline hosts, so electron-builder is given
// a stand-in Electron distribution (a folder this script makes: a shell script named `electron` and a
// `version` file) through `electronDist`; everything else is electron-builder's own packing of what
// `npm run build` emitted, with build/electron-builder.yml. AppImage, deb and rpm stay configured for hosts
// that can fetch Electron; they are not built here.
//
// What it checks, in the unpacked app (out/linux-unpacked):
//  - app.asar holds package.json, the main-process code, the bundled preload and the renderer bundle, and no
//    source maps or tests; the renderer bundle has none of the development tools (renderer/src/dev/buildMode.ts);
//  - koffi and its native module (@koromix/koffi-<platform>-<arch>) are unpacked, and load from there;
//  - every worker body is unpacked where the app looks for it at run time (threadEntryPath, given the path
//    it has inside the package), and so is every file it requires;
//  - the .desktop entry is there, saying what build/electron-builder.yml's linux.desktop.entry says.
//
// Usage: node scripts/packageCheck.mjs [--keep]   (after `npm run build`; --keep leaves the output folder)
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const EXECUTABLE = 'keyring-browser';
/** Strings that only the development tools carry (the demo API's label, the bench's result globals). */
const DEV_TOOL_MARKERS = ['demo data', '__kbBench', '__kbGraphBench'];

/** The folder electron-builder is given instead of a downloaded Electron. */
export function makeStandInElectron(dir, version) {
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, 'electron');
  writeFileSync(binary, '#!/bin/sh\necho "a stand-in for Electron (npm run package:check): it cannot open a window" >&2\nexit 1\n');
  chmodSync(binary, 0o755);
  writeFileSync(join(dir, 'version'), `v${version}`);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  return dir;
}

function runElectronBuilder(electronDist, output) {
  const cli = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
  const args = [
    cli,
    '--config',
    join('build', 'electron-builder.yml'),
    '--linux',
    'dir',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${output}`,
    // koffi ships prebuilt for every platform; a rebuild would only try the network.
    '-c.npmRebuild=false',
  ];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } });
  if (r.status !== 0) throw new Error(`electron-builder failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** The files inside an asar archive, as paths relative to its root (no leading slash). */
function asarFiles(archive) {
  const asar = require('@electron/asar');
  return new Set(asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/^[/\\]/, '')));
}

/** The `require("…")` targets of a compiled CommonJS file. */
function requiresOf(file) {
  return [...readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
}

const isBuiltin = (name) => name.startsWith('node:') || builtinModules.includes(name);

/**
 * Every file `entry` needs, followed through relative requires; returns what is missing from `root`
 * (relative files that are not there, packages not in root/node_modules).
 */
export function missingRequires(entry, root) {
  const missing = [];
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const target of requiresOf(file)) {
      if (isBuiltin(target)) continue;
      if (target.startsWith('.')) {
        const candidates = [resolve(dirname(file), target), resolve(dirname(file), `${target}.js`), resolve(dirname(file), target, 'index.js')];
        const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
        if (found) queue.push(found);
        else missing.push(`${relative(root, file)} requires ${target}`);
      } else {
        const pkg = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0];
        if (!existsSync(join(root, 'node_modules', pkg, 'package.json'))) missing.push(`${relative(root, file)} requires the package ${pkg}`);
      }
    }
  }
  return missing;
}

/** `Key=Value` lines of a .desktop file's [Desktop Entry] group. */
export function desktopEntryFields(text) {
  const fields = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) fields[m[1]] = m[2];
  }
  return fields;
}

/** The linux.desktop.entry map of build/electron-builder.yml (a flat map of strings: read without a YAML library). */
export function configuredDesktopEntry(yml) {
  const lines = yml.split('\n');
  const start = lines.findIndex((l) => /^\s+entry:\s*$/.test(l));
  if (start < 0) return {};
  const indent = /^\s*/.exec(lines[start + 1] ?? '')[0].length;
  const entry = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*$/.test(line) || /^\s*/.exec(line)[0].length < indent) break;
    const m = /^\s*([A-Za-z]+):\s*"?(.*?)"?\s*$/.exec(line);
    if (m) entry[m[1]] = m[2];
  }
  return entry;
}

/** A list directly under `linux:` in build/electron-builder.yml (`  key:` then `    - item` lines). */
export function configuredLinuxList(yml, key) {
  const lines = yml.split('\n');
  const start = lines.findIndex((l) => l === `  ${key}:`);
  if (start < 0) return [];
  const items = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s{4}- "?(.*?)"?\s*$/.exec(line);
    if (!m) break;
    items.push(m[1]);
  }
  return items;
}

/**
 * The checks, on electron-builder's unpacked output (`appDir`, e.g. out/linux-unpacked). Returns one line
 * per check: { ok, what }.
 */
export function checkPackage(appDir) {
  const results = [];
  const check = (ok, what) => results.push({ ok: Boolean(ok), what });
  const resources = join(appDir, 'resources');
  const archive = join(resources, 'app.asar');
  const unpacked = join(resources, 'app.asar.unpacked');

  check(existsSync(join(appDir, EXECUTABLE)), `the executable ${EXECUTABLE}`);
  check(existsSync(archive), 'resources/app.asar');
  if (!existsSync(archive)) return results;
  const inAsar = asarFiles(archive);
  for (const file of ['package.json', 'dist/electron/main.js', 'dist/electron/preload.js', 'dist/electron/ipc/bindService.js', 'dist/renderer/index.html']) {
    check(inAsar.has(file), `app.asar holds ${file}`);
  }
  const scripts = [...inAsar].filter((f) => /^dist\/renderer\/assets\/[^/]+\.js$/.test(f));
  check(scripts.length > 0, `app.asar holds the renderer bundle (${scripts.join(', ') || 'no script'})`);
  const strays = [...inAsar].filter((f) => f.startsWith('dist/') && /\.map$|\.test\.js$/.test(f));
  check(strays.length === 0, `no source maps or tests in the package${strays.length ? `: ${strays.slice(0, 5).join(', ')}` : ''}`);
  const asar = require('@electron/asar');
  for (const script of scripts) {
    const text = asar.extractFile(archive, script).toString('utf8');
    const found = DEV_TOOL_MARKERS.filter((m) => text.includes(m));
    check(found.length === 0, `the packaged renderer (${script}) has no development tools${found.length ? `: found ${found.join(', ')}` : ''}`);
  }

  const arch = `${process.platform}-${process.arch}`;
  const nativeDir = join(unpacked, 'node_modules', '@koromix', `koffi-${arch}`);
  check(existsSync(join(unpacked, 'node_modules', 'koffi', 'package.json')), 'koffi is unpacked');
  check(existsSync(nativeDir), `koffi's native module is unpacked (@koromix/koffi-${arch})`);
  const load = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(unpacked, 'node_modules', 'koffi'))}).load('libc.so.6')`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  check(load.status === 0, `the unpacked koffi loads and opens libc${load.status === 0 ? '' : `: ${load.stderr.trim().split('\n')[0]}`}`);

  const { threadEntryPath, THREAD_BODIES } = require(join(ROOT, 'dist', 'electron', 'threads', 'entry.js'));
  const entryInPackage = join(archive, 'dist', 'electron', 'threads', 'entry.js');
  check(inAsar.has('dist/electron/threads/entry.js'), 'app.asar holds the module that finds the worker bodies');
  for (const body of THREAD_BODIES) {
    const path = threadEntryPath(body, entryInPackage);
    const where = relative(appDir, path);
    const ok = path.startsWith(unpacked + '/') && existsSync(path);
    check(ok, `worker ${body}: the app looks for ${where}, and it is there`);
    if (ok) {
      const missing = missingRequires(path, unpacked);
      check(missing.length === 0, `worker ${body}: everything it requires is unpacked${missing.length ? `: ${missing.slice(0, 5).join('; ')}` : ''}`);
    }
  }

  const desktopFile = join(appDir, `${EXECUTABLE}.desktop`);
  check(existsSync(desktopFile), `the desktop entry ${EXECUTABLE}.desktop`);
  if (existsSync(desktopFile)) {
    const shipped = desktopEntryFields(readFileSync(desktopFile, 'utf8'));
    const configured = configuredDesktopEntry(readFileSync(join(ROOT, 'build', 'electron-builder.yml'), 'utf8'));
    const differ = Object.entries(configured).filter(([k, v]) => shipped[k] !== v);
    check(Object.keys(configured).length > 0 && differ.length === 0, `the desktop entry says what electron-builder.yml's linux.desktop.entry says${differ.length ? ` (differs: ${differ.map(([k]) => k).join(', ')})` : ''}`);
    check(shipped.Exec?.startsWith(EXECUTABLE), `the desktop entry runs ${EXECUTABLE}`);
    // What AppImage and deb write from linux.executableArgs and linux.mimeTypes: a file manager's files.
    const yml = readFileSync(join(ROOT, 'build', 'electron-builder.yml'), 'utf8');
    const args = configuredLinuxList(yml, 'executableArgs');
    check(args.includes('%F') && shipped.Exec === [EXECUTABLE, ...args].join(' '), `the desktop entry takes the files a file manager opens it with (Exec=${[EXECUTABLE, ...args].join(' ')})`);
    const mimeTypes = configuredLinuxList(yml, 'mimeTypes');
    check(mimeTypes.includes('application/json') && shipped.MimeType === mimeTypes.join(';') + ';', `the desktop entry opens ${mimeTypes.join(', ') || 'no type'} (MimeType, as linux.mimeTypes says)`);
  }
  return results;
}

function main() {
  const keep = process.argv.includes('--keep');
  for (const built of ['dist/electron/main.js', 'dist/electron/preload.js', 'dist/renderer/index.html']) {
    if (!existsSync(join(ROOT, built))) {
      process.stderr.write(`package:check: ${built} is missing; run \`npm run build\` first.\n`);
      return 1;
    }
  }
  const work = mkdtempSync(join(tmpdir(), 'kb-package-'));
  try {
    const version = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
    const electronDist = makeStandInElectron(join(work, 'electron-dist'), version);
    const output = join(work, 'out');
    const started = Date.now();
    runElectronBuilder(electronDist, output);
    const results = checkPackage(join(output, 'linux-unpacked'));
    for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.what}\n`);
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(`package:check: ${failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`} (electron-builder --dir with a stand-in Electron, ${((Date.now() - started) / 1000).toFixed(1)} s)${keep ? `; output in ${output}` : ''}\n`);
    return failed ? 1 : 0;
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
