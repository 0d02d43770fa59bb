import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdFile, readIdentityNames } from './names';

describe('identity names', () => {
  it('parses passwd and group lines, first name per id, skipping junk', () => {
    const text = ['root:x:0:0:root:/root:/bin/bash', '# comment', '', 'toor:x:0:0::/:/bin/sh', 'broken', 'nobody:x:65534:65534::/:/usr/sbin/nologin', 'neg:x:-1:0::/:', 'empty:x::0::/:'].join('\n');
    expect(parseIdFile(text)).toEqual({ 0: 'root', 65534: 'nobody' });
  });

  it('reads the files, and a missing file gives no names rather than an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-names-'));
    writeFileSync(join(dir, 'group'), 'wheel:x:10:alice\n');
    const names = await readIdentityNames({ passwd: join(dir, 'missing'), group: join(dir, 'group') });
    expect(names).toEqual({ users: {}, groups: { 10: 'wheel' } });
  });
});
