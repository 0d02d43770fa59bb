import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helperUser } from './helperCommand';

describe('helperUser', () => {
  it('takes --user first, then what sudo or pkexec recorded', () => {
    expect(helperUser(1000, { SUDO_UID: '1001' })).toBe(1000);
    expect(helperUser(null, { SUDO_UID: '1001', PKEXEC_UID: '1002' })).toBe(1001);
    expect(helperUser(null, { PKEXEC_UID: '1002' })).toBe(1002);
    expect(helperUser(null, { SUDO_UID: 'x', PKEXEC_UID: '1002' })).toBe(1002);
  });

  it('asks for --user when nobody says whose helper it is', () => {
    expect(() => helperUser(null, {})).toThrow(/say whose helper it is with --user UID/);
  });
});

describe('keyring-browser helper without root', () => {
  it('is refused in a sentence that says to run it as root (exit 1)', () => {
    const bin = resolve(__dirname, '..', '..', 'bin', 'keyring-browser');
    const r = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', process.execPath, bin, 'helper', '--socket', '/tmp/x.sock', '--user', '65534'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--all-users needs root: .* Run it as root/);
  });
});
