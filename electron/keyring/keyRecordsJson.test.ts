// keyRecordsJsonWasm.ts must be keyRecordsJson.wat assembled (scripts/assembleWasm.mjs): the module that runs is the
// one whose text is reviewed. What the module writes is tested against JSON.stringify in snapshotJson.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('keyRecordsJsonWasm.ts', () => {
  it('is keyRecordsJson.wat assembled', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'assembleWasm.mjs');
    const { assembledSource } = (await import(script)) as { assembledSource: () => Promise<string> };
    expect(readFileSync(join(__dirname, 'keyRecordsJsonWasm.ts'), 'utf8')).toBe(await assembledSource());
  });
});
