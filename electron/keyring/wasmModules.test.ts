// wasmModules.ts must be the .wat files assembled (scripts/assembleWasm.mjs): the modules that run are the ones
// whose text is reviewed. What they do is tested against the JavaScript they stand in for: snapshotJson.test.ts
// (keyRecordsJson.wat), procKeysBytes.test.ts (procKeysParse.wat), rowWalks.test.ts (rowWalks.wat), keyTable.test.ts
// (serialIndex.wat).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('wasmModules.ts', () => {
  it('is the .wat files assembled', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'assembleWasm.mjs');
    const { assembledSource } = (await import(script)) as { assembledSource: () => Promise<string> };
    expect(readFileSync(join(__dirname, 'wasmModules.ts'), 'utf8')).toBe(await assembledSource());
  });
});
