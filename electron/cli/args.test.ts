import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE, UsageError } from './args';

describe('parseArgs', () => {
  it('knows every command', () => {
    expect(parseArgs([])).toEqual({ kind: 'app', args: [] });
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['snapshot'])).toEqual({ kind: 'snapshot', json: false, redact: false });
    expect(parseArgs(['snapshot', '--json'])).toEqual({ kind: 'snapshot', json: true, redact: false });
    expect(parseArgs(['snapshot', '--json', '--redact'])).toEqual({ kind: 'snapshot', json: true, redact: true });
    expect(parseArgs(['serve'])).toEqual({ kind: 'serve', port: 7777, host: '127.0.0.1', intervalMs: 1000, allowActions: false });
    expect(parseArgs(['serve', '--port', '0', '--host', '0.0.0.0', '--interval=250', '--allow-actions'])).toEqual({
      kind: 'serve',
      port: 0,
      host: '0.0.0.0',
      intervalMs: 250,
      allowActions: true,
    });
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
    for (const word of ['snapshot', '--json', 'serve', '--port', '--host', '--interval', '--allow-actions', '--help', 'KEYRING_BROWSER_PROC_ROOT']) {
      expect(USAGE).toContain(word);
    }
  });
});
