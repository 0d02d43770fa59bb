#!/usr/bin/env node
// Runs @doyensec/electronegativity over electron/ and renderer/ and fails on any finding that
// build/electronegativity-allow.json does not justify. The tool itself always exits 0, so this
// script counts its findings (SARIF output) and decides.
//
// Usage: node scripts/electronegativity-check.mjs [--allow FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['electron', 'renderer'];
// The page's CSP <meta> is written into the built index.html by the renderer build (from shared/csp.ts,
// the one definition), not into the source renderer/index.html: so the built page is scanned too, and
// this check runs after `npm run build`.
const BUILT_PAGE = join('dist', 'renderer', 'index.html');
// AvailableSecurityFixesGlobalCheck downloads Electron's release list: not reproducible offline, and
// the Electron version is pinned in package.json and upgraded on purpose.
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

/** Findings from an electronegativity SARIF report: {check, file, line, message}. */
export function findingsFromSarif(sarif) {
  return (sarif.runs ?? []).flatMap((run) =>
    (run.results ?? []).map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      return {
        check: result.ruleId,
        file: location?.artifactLocation?.uri ?? 'N/A',
        line: location?.region?.startLine ?? 0,
        message: result.message?.text ?? '',
      };
    }),
  );
}

/**
 * Splits findings into justified and not, and lists allowlist entries that are malformed (no reason
 * given) or stale (matching nothing, so the list does not silently keep excusing what is gone).
 */
export function compareWithAllowlist(findings, allowlist) {
  const entries = allowlist.allow ?? [];
  const malformed = entries.filter((e) => typeof e.check !== 'string' || typeof e.file !== 'string' || typeof e.why !== 'string' || e.why.trim().length < 10);
  const valid = entries.filter((e) => !malformed.includes(e));
  const matches = (entry, finding) => entry.check === finding.check && entry.file === finding.file;
  const unjustified = findings.filter((f) => !valid.some((e) => matches(e, f)));
  const stale = valid.filter((e) => !findings.some((f) => matches(e, f)));
  return { unjustified, malformed, stale };
}

function runElectronegativity() {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');
  const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  // One input holding both trees, so global checks (CSP, navigation limits, permission handler) see
  // the whole app at once.
  const work = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  try {
    const input = join(work, 'app');
    const output = join(work, 'report.sarif');
    mkdirSync(input);
    for (const dir of SCANNED) symlinkSync(join(ROOT, dir), join(input, dir));
    if (!existsSync(join(ROOT, BUILT_PAGE))) throw new Error(`${BUILT_PAGE} is missing: run \`npm run build\` first`);
    mkdirSync(join(input, dirname(BUILT_PAGE)), { recursive: true });
    symlinkSync(join(ROOT, BUILT_PAGE), join(input, BUILT_PAGE));
    const run = spawnSync(
      process.execPath,
      [cli, '-i', input, '-e', electronVersion, '-x', EXCLUDED_CHECKS.join(','), '-o', output, '-r', '-v', 'false'],
      { encoding: 'utf8' },
    );
    let report;
    try {
      report = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      throw new Error(`electronegativity produced no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    return findingsFromSarif(report);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(argv) {
  const allowIndex = argv.indexOf('--allow');
  const allowPath = allowIndex >= 0 ? resolve(argv[allowIndex + 1] ?? '') : join(ROOT, 'build', 'electronegativity-allow.json');
  const allowlist = JSON.parse(readFileSync(allowPath, 'utf8'));
  const findings = runElectronegativity();
  const { unjustified, malformed, stale } = compareWithAllowlist(findings, allowlist);
  const show = (f) => `  ${f.check} at ${f.file}:${f.line}: ${f.message}`;
  console.log(`electronegativity: ${findings.length} finding(s) in ${SCANNED.join(', ')}; ${findings.length - unjustified.length} justified in ${allowPath}`);
  for (const e of stale) console.log(`  note: allowlist entry ${e.check} @ ${e.file} matches no finding any more; remove it`);
  if (malformed.length) {
    console.error('electronegativity: allowlist entries without a reason (each needs check, file and a "why"):');
    for (const e of malformed) console.error(`  ${JSON.stringify(e)}`);
  }
  if (unjustified.length) {
    console.error('electronegativity: findings not justified in the allowlist (fix them, or add an entry saying why they are acceptable):');
    for (const f of unjustified) console.error(show(f));
  }
  return unjustified.length || malformed.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`electronegativity: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
  }
}
