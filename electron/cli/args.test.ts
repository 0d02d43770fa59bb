import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE, UsageError } from './args';

describe('parseArgs', () => {
  it('knows every command', () => {
    expect(parseArgs([])).toEqual({ kind: 'app', files: [] });
    expect(parseArgs(['before.json'])).toEqual({ kind: 'app', files: ['before.json'] });
    expect(parseArgs(['rec.JSONL'])).toEqual({ kind: 'app', files: ['rec.JSONL'] });
    expect(() => parseArgs(['a.json', 'b.json'])).toThrow(/one file at a time/);
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['snapshot'])).toEqual({ kind: 'snapshot', json: false, redact: false, scope: { kind: 'process' } });
    expect(parseArgs(['snapshot', '--json'])).toEqual({ kind: 'snapshot', json: true, redact: false, scope: { kind: 'process' } });
    expect(parseArgs(['snapshot', '--json', '--redact'])).toEqual({ kind: 'snapshot', json: true, redact: true, scope: { kind: 'process' } });
    expect(parseArgs(['serve'])).toEqual({ kind: 'serve', port: 7777, host: '127.0.0.1', intervalMs: 1000, allowActions: false, scope: { kind: 'process' }, record: null });
    expect(parseArgs(['serve', '--port', '0', '--host', '0.0.0.0', '--interval=250', '--allow-actions'])).toEqual({
      kind: 'serve',
      port: 0,
      host: '0.0.0.0',
      intervalMs: 250,
      allowActions: true,
      scope: { kind: 'process' },
      record: null,
    });
    expect(parseArgs(['serve', '--record', 'r.jsonl'])).toMatchObject({ kind: 'serve', record: 'r.jsonl' });
    expect(parseArgs(['serve', '--record=r.jsonl'])).toMatchObject({ kind: 'serve', record: 'r.jsonl' });
    for (const bad of [['--record'], ['--record', '--port']]) expect(() => parseArgs(['serve', ...bad])).toThrow(/--record needs a file/);
  });

  it('quota: --held-by (3 keyrings a list), --top N (implies it), --uid N, --json', () => {
    expect(parseArgs(['quota'])).toEqual({ kind: 'quota', json: false, heldBy: null, uid: null });
    expect(parseArgs(['quota', '--held-by'])).toEqual({ kind: 'quota', json: false, heldBy: 3, uid: null });
    expect(parseArgs(['quota', '--top', '10'])).toEqual({ kind: 'quota', json: false, heldBy: 10, uid: null });
    expect(parseArgs(['quota', '--top', '10', '--held-by'])).toMatchObject({ heldBy: 10 });
    expect(parseArgs(['quota', '--uid', '1000', '--json'])).toEqual({ kind: 'quota', json: true, heldBy: null, uid: 1000 });
    expect(() => parseArgs(['quota', '--top', '0'])).toThrow(/--top must be between 1 and 1000/);
    expect(() => parseArgs(['quota', '--top'])).toThrow(/--top needs a whole number/);
    expect(() => parseArgs(['quota', '--uid', 'bob'])).toThrow(/--uid needs a uid/);
    expect(() => parseArgs(['quota', '--all-users'])).toThrow(/quota: unknown option "--all-users"/);
  });

  it('takes a scan scope: --all-users or --uid N, one of them, N a number', () => {
    expect(parseArgs(['snapshot', '--all-users', '--json'])).toEqual({ kind: 'snapshot', json: true, redact: false, scope: { kind: 'all' } });
    expect(parseArgs(['snapshot', '--uid', '1000'])).toEqual({ kind: 'snapshot', json: false, redact: false, scope: { kind: 'uid', uid: 1000 } });
    expect(parseArgs(['serve', '--uid=0'])).toMatchObject({ kind: 'serve', scope: { kind: 'uid', uid: 0 } });
    expect(parseArgs(['serve', '--all-users'])).toMatchObject({ kind: 'serve', scope: { kind: 'all' } });
    for (const bad of [['--uid', 'alice'], ['--uid'], ['--uid', '-1'], ['--uid', '4294967295'], ['--uid', '1', '--all-users']]) {
      expect(() => parseArgs(['snapshot', ...bad])).toThrow(UsageError);
    }
    expect(() => parseArgs(['snapshot', '--uid', 'alice'])).toThrow(/--uid needs a uid, a whole number \(got "alice"\)/);
  });

  it('parses helper: an absolute --socket, whose it is, all users by default', () => {
    expect(parseArgs(['helper', '--socket', '/run/user/1000/kb.sock', '--user', '1000'])).toEqual({
      kind: 'helper',
      socket: '/run/user/1000/kb.sock',
      user: 1000,
      intervalMs: 1000,
      allowActions: true,
      scope: { kind: 'all' },
    });
    expect(parseArgs(['helper', '--socket=/s', '--uid', '7', '--read-only', '--interval', '500'])).toMatchObject({
      user: null,
      scope: { kind: 'uid', uid: 7 },
      allowActions: false,
      intervalMs: 500,
    });
    expect(() => parseArgs(['helper'])).toThrow(/helper needs --socket PATH/);
    expect(() => parseArgs(['helper', '--socket', 'relative.sock'])).toThrow(/absolute path/);
    expect(() => parseArgs(['helper', '--socket', '/s', '--user', 'alice'])).toThrow(/--user needs a uid/);
    expect(() => parseArgs(['helper', '--socket', '/s', '--all-users', '--uid', '3'])).toThrow(/exclude each other/);
  });

  it.each([
    [['bogus']],
    [['snapshot', '--jsn']],
    [['serve', '--port']],
    [['serve', '--port', 'x']],
    [['serve', '--port', '70000']],
    [['serve', '--interval', '5']],
    [['serve', '--host']],
    [['serve', '--allow-actions=yes']],
    [['serve', 'extra']],
  ])('refuses %j', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });

  it('documents every command and option in the usage', () => {
    for (const word of ['snapshot', '--json', 'serve', 'helper --socket', '--user', '--read-only', '--port', '--host', '--interval', '--allow-actions', '--help', 'KEYRING_BROWSER_PROC_ROOT']) {
      expect(USAGE).toContain(word);
    }
  });
});
