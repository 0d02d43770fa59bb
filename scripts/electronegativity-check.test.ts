// The decision logic of scripts/electronegativity-check.mjs (the tool run itself is `npm run lint:electron`).
import { describe, expect, it } from 'vitest';

const load = () => import('./electronegativity-check.mjs');

const finding = (check: string, file: string) => ({ check, file, line: 1, message: 'm' });

describe('electronegativity check', () => {
  it('reads findings from the SARIF report', async () => {
    const { findingsFromSarif } = await load();
    const sarif = {
      runs: [
        {
          results: [
            {
              ruleId: 'PRELOAD_JS_CHECK',
              message: { text: 'Review the use of preload scripts' },
              locations: [{ physicalLocation: { artifactLocation: { uri: 'electron/main.ts' }, region: { startLine: 94 } } }],
            },
          ],
        },
      ],
    };
    expect(findingsFromSarif(sarif)).toEqual([{ check: 'PRELOAD_JS_CHECK', file: 'electron/main.ts', line: 94, message: 'Review the use of preload scripts' }]);
  });

  it('fails findings without a justified entry, entries without a reason, and reports stale ones', async () => {
    const { compareWithAllowlist } = await load();
    const findings = [finding('A', 'x.ts'), finding('B', 'y.ts'), finding('C', 'z.ts')];
    const result = compareWithAllowlist(findings, {
      allow: [
        { check: 'A', file: 'x.ts', why: 'reviewed: harmless because of reasons' },
        { check: 'B', file: 'y.ts' },
        { check: 'D', file: 'w.ts', why: 'was needed once, not any more' },
      ],
    });
    expect(result.unjustified.map((f) => f.check)).toEqual(['B', 'C']);
    expect(result.malformed).toEqual([{ check: 'B', file: 'y.ts' }]);
    expect(result.stale.map((e) => e.check)).toEqual(['D']);
  });
});
