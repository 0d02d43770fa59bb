// The live bench never hangs: a wait for polls that cannot come (every scan failing) ends with an error naming it.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('pollCost', () => {
  it.each([
    [0, /^the polls waited for \(up to 15\) did not come: the scans failed 3 times in a row \(the last: --all-users needs root/],
    [1, /^the bench client's first snapshot failed: .*--all-users needs root/],
  ])('stops with an error naming what did not come when every scan fails (%i clients)', (clients, said) => {
    const root = resolve(__dirname, '..');
    // Without root an all-users scan is refused at every poll (ScopeRefusedError): a real failure, over and over.
    const script = `
      const { pollCost } = require(${JSON.stringify(resolve(root, 'dist', 'bench', 'live.js'))});
      pollCost(${JSON.stringify(root)}, { polls: 2, clients: ${clients}, changeKey: null, intervalMs: 100, scope: { kind: 'all' } }).then(
        () => process.stdout.write('measured'),
        (err) => process.stdout.write(err.message),
      );`;
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.signal).toBeNull();
    expect(r.stdout).toMatch(said);
  });
});
