#!/usr/bin/env node
// `npm run mutation`: StrykerJS over the pure helpers and the engine's parsing and analysis modules, one
// source file at a time, each with only the test files that import it (so a file's score says what its own
// tests catch). Prints a table per file; exits 1 when a file is under its threshold. Equivalent mutants that
// no test can kill are listed, with the reason, in docs/mutation-equivalents.md.
//
//   node scripts/mutation.mjs [--fast] [--survivors] [--concurrency N] [--dry-run] [--no-build] [file[:from-to] …]
//
// file:from-to  only the mutants on those lines (a long file in parts, each part's survivors listed as it ends)
//
// --fast        the files marked fast in scripts/mutationTargets.mjs (or the files named) in ONE Stryker run: one
//               start cost, and each file's mutants may be killed by any of those files' tests. What `npm test` runs
// --survivors   print each surviving mutant (file:line, mutator, replacement)
// --concurrency Stryker's test-runner processes (default 1: the machine is shared)
// --dry-run     Stryker's start only (instrument, TypeScript checker, the tests' first run), no mutant: its
//               CPU time is the fixed cost a run pays before its first mutant
// --no-build    dist/ is already built from these sources (`npm test` has just run `npm run build`)
// --static      also run static mutants (module-level constants such as the flag words): each one makes
//               Stryker start vitest afresh, about a minute apiece on a busy 2-core machine, so off by default
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATION_TARGETS, THRESHOLD } from './mutationTargets.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const dryRunOnly = args.includes('--dry-run');
const build = !args.includes('--no-build');
const showSurvivors = args.includes('--survivors');
const withStatic = args.includes('--static');
const concurrencyAt = args.indexOf('--concurrency');
const concurrency = concurrencyAt >= 0 ? Number(args[concurrencyAt + 1]) : 1;
const named = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--concurrency');

const TEST_DIRS = ['electron', 'shared', 'renderer', 'bench', 'scripts'];
const TEST_FILE = /\.test\.tsx?$/;
const IMPORT = /\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (TEST_FILE.test(name)) out.push(path);
  }
  return out;
}

const allTests = TEST_DIRS.flatMap((d) => testFiles(d));

/** The test files whose own imports name `source` (relative specifiers, with or without an extension). */
function importersOf(source) {
  const target = source.replace(/\.tsx?$/, '');
  return allTests.filter((test) => {
    const text = readFileSync(test, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]).replace(/\.(m?js|tsx?)$/, '');
      if (relative(root, resolve(dirname(test), spec)) === target) return true;
    }
    return false;
  });
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const spec = (t) => (t.lines === undefined ? t.file : `${t.file}:${t.lines}`);

/** One Stryker run over `targets` (one start cost), with the test files that import any of them; a row per target. */
async function mutate(targets) {
  const { Stryker } = await import('@stryker-mutator/core');
  const tests = [...new Set(targets.flatMap((t) => [...importersOf(t.file), ...(t.alsoTests ?? [])]))];
  for (const t of targets) if (importersOf(t.file).length + (t.alsoTests ?? []).length === 0) throw new Error(`${t.file}: no test file imports it`);
  const started = Date.now();
  const report = targets.length === 1 ? spec(targets[0]).replace(/\//g, '_').replace(':', '_') : 'fast';
  const stryker = new Stryker({
    mutate: targets.map(spec),
    testFiles: tests,
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.config.mts', related: false },
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.mutation.json',
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    plugins: ['@stryker-mutator/vitest-runner', '@stryker-mutator/typescript-checker'],
    coverageAnalysis: 'perTest',
    ignoreStatic: !withStatic,
    dryRunOnly,
    concurrency,
    reporters: ['json', 'progress-append-only'],
    jsonReporter: { fileName: `reports/mutation/${report}.json` },
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
    ignorePatterns: ['out', 'docs', 'e2e', 'test-results', 'playwright-report', 'reports', '.stryker-tmp', 'build'],
    logLevel: 'warn',
    fileLogLevel: 'off',
    timeoutMS: 10_000,
    thresholds: { high: 90, low: THRESHOLD, break: null },
  });
  const results = await stryker.runMutationTest();
  const seconds = Math.round((Date.now() - started) / 1000);
  return targets.map((target) => {
    const own = results.filter((r) => relative(root, resolve(root, r.fileName)) === target.file);
    const count = (set) => own.filter((r) => set.has(r.status)).length;
    const detected = count(DETECTED);
    const total = detected + count(UNDETECTED);
    const survivors = [
      ...new Set(
        own
          .filter((r) => UNDETECTED.has(r.status))
          .map((r) => `${target.file}:${r.location.start.line}:${r.location.start.column} ${r.mutatorName} ${r.status === 'NoCoverage' ? '(no test runs it) ' : ''}→ ${JSON.stringify(r.replacement ?? '')}`),
      ),
    ];
    return {
      file: spec(target),
      tests: tests.length,
      detected,
      total,
      score: total === 0 ? 100 : (100 * detected) / total,
      seconds,
      survivors,
    };
  });
}

const LINES = /^(.+):(\d+-\d+)$/;
const targets = named.length
  ? named.flatMap((name) => {
      const [, file, lines] = LINES.exec(name) ?? [name, name, undefined];
      const target = MUTATION_TARGETS.find((t) => t.file === file);
      return target === undefined ? [] : [{ ...target, lines }];
    })
  : MUTATION_TARGETS.filter((t) => !fast || t.fast);
if (targets.length === 0 || targets.length < named.length) {
  console.error(`no mutation target matches ${named.join(' ')}; targets: ${MUTATION_TARGETS.map((t) => t.file).join(', ')}`);
  process.exit(2);
}

// Tests that run compiled code (worker threads, bin/keyring-browser and its one-shot bundle, the built preload)
// need dist/: built once here, as `npm run build` builds it (vitest.config.mts skips its own build under
// KB_MUTATION=1, as Stryker starts vitest again and again), and copied into Stryker's sandbox.
process.env.KB_MUTATION = '1';
// Stryker runs the few tests that cover a mutant and vitest reports the others as skipped: CI's fail-on-skip
// reporter (vitest.config.mts) is for the suite's own run, not for these.
delete process.env.CI;
if (build) for (const script of ['build:node', 'build:preload']) execFileSync('npm', ['run', '--silent', script], { stdio: 'inherit' });

// --fast: one run for the whole subset; otherwise one run per file (or part), each reported as it ends.
const rows = [];
for (const group of fast ? [targets] : targets.map((t) => [t])) {
  for (const row of await mutate(group)) {
    rows.push(row);
    if (dryRunOnly) continue;
    console.log(
      `${row.file}: ${row.detected}/${row.total} detected, ${row.score.toFixed(1)} % (${row.tests} test files, ${row.seconds} s${group.length > 1 ? ` for the ${group.length} files together` : ''})`,
    );
    if (showSurvivors) for (const s of row.survivors) console.log(`  survived: ${s}`);
  }
}
if (dryRunOnly) {
  console.log(`\ndry run only (Stryker's start, no mutant): ${rows[0]?.seconds ?? 0} s`);
  process.exit(0);
}

const pad = (s, n) => String(s).padEnd(n);
const width = Math.max(...rows.map((r) => r.file.length), 4);
console.log(`\n| ${pad('file', width)} | detected | score   | time  |`);
console.log(`|-${'-'.repeat(width)}-|----------|---------|-------|`);
for (const r of rows) {
  console.log(`| ${pad(r.file, width)} | ${pad(`${r.detected}/${r.total}`, 8)} | ${pad(`${r.score.toFixed(1)} %`, 7)} | ${pad(`${r.seconds} s`, 5)} |`);
}
const below = rows.filter((r) => r.score < THRESHOLD);
if (below.length > 0) {
  console.log(`\nunder ${THRESHOLD} %: ${below.map((r) => r.file).join(', ')}`);
  process.exit(1);
}
console.log(`\nevery file at or above ${THRESHOLD} %`);
