// Parsing of the `screenshot` and `demo` commands (args.ts): pure.
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './args';

describe('screenshot arguments', () => {
  it('needs --out and has documented defaults', () => {
    expect(() => parseArgs(['screenshot'])).toThrow(/--out FILE.png is required/);
    expect(parseArgs(['screenshot', '--out', 'x.png'])).toEqual({
      kind: 'screenshot',
      out: 'x.png',
      view: 'tree',
      redact: false,
      select: null,
      selectUser: null,
      width: 1400,
      height: 900,
      theme: 'light',
      dumpText: null,
      hideLog: false,
      replaceUids: false,
      engine: 'auto',
    });
  });

  it('reads every option, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs(['screenshot', '--out=a.png', '--view', 'graph', '--redact', '--select', '0x1f', '--width=800', '--height', '600', '--theme', 'dark', '--dump-text', 't.txt', '--hide-log']),
    ).toEqual({ kind: 'screenshot', out: 'a.png', view: 'graph', redact: true, select: 31, selectUser: null, width: 800, height: 600, theme: 'dark', dumpText: 't.txt', hideLog: true, replaceUids: false, engine: 'auto' });
    expect(parseArgs(['screenshot', '--out', 'a.png', '--replace-uids', '--engine', 'chromium'])).toMatchObject({ redact: true, replaceUids: true, engine: 'chromium' });
    expect(parseArgs(['screenshot', '--out', 'a.png', '--engine=electron'])).toMatchObject({ redact: false, engine: 'electron' });
    expect(parseArgs(['screenshot', '--out', 'a.png', '--select', '12345'])).toMatchObject({ select: 12345 });
    // A user node of the system view's Users section; the last --select wins.
    expect(parseArgs(['screenshot', '--out', 'a.png', '--select', 'uid:1000'])).toMatchObject({ select: null, selectUser: 1000 });
    expect(parseArgs(['screenshot', '--out', 'a.png', '--select', 'uid:0'])).toMatchObject({ selectUser: 0 });
    expect(parseArgs(['screenshot', '--out', 'a.png', '--select', 'uid:7', '--select', '9'])).toMatchObject({ select: 9, selectUser: null });
  });

  it.each([
    [['screenshot', '--out', 'a.png', '--view', 'list'], /--view is tree or graph/],
    [['screenshot', '--out', 'a.png', '--select', 'abc'], /--select needs a key id/],
    [['screenshot', '--out', 'a.png', '--select', '0'], /--select needs a key id/],
    [['screenshot', '--out', 'a.png', '--select', 'uid:'], /--select uid:N needs a uid/],
    [['screenshot', '--out', 'a.png', '--select', 'uid:alice'], /--select uid:N needs a uid/],
    [['screenshot', '--out', 'a.png', '--select', 'uid:4294967295'], /--select uid:N needs a uid/],
    [['screenshot', '--out', 'a.png', '--width', '10'], /--width must be between/],
    [['screenshot', '--out'], /--out needs a value/],
    [['screenshot', '--out', '--redact'], /--out needs a value/],
    [['screenshot', '--out', 'a.png', '--redact=yes'], /unknown option/],
    [['screenshot', '--out', 'a.png', '--port', '1'], /unknown option "--port"/],
    [['screenshot', '--out', 'a.png', '--engine', 'firefox'], /--engine is electron or chromium/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('--help anywhere shows help', () => {
    expect(parseArgs(['screenshot', '--help'])).toEqual({ kind: 'help' });
  });
});

describe('demo arguments', () => {
  it('serves by default', () => {
    expect(parseArgs(['demo', 'f.json'])).toEqual({
      kind: 'demo',
      fixture: 'f.json',
      then: { kind: 'serve', port: 7777, host: '127.0.0.1' },
      selectName: null,
    });
    expect(parseArgs(['demo', 'f.json', '--serve', '--port', '0'])).toMatchObject({ then: { kind: 'serve', port: 0 } });
  });

  it('--screenshot takes the screenshot options; --select takes a fixture name or an id', () => {
    expect(parseArgs(['demo', 'f.json', '--screenshot', 'o.png', '--view', 'graph', '--select', 'aliceNfs'])).toMatchObject({
      then: { kind: 'screenshot', out: 'o.png', view: 'graph', select: null },
      selectName: 'aliceNfs',
    });
    expect(parseArgs(['demo', 'f.json', '--screenshot', 'o.png', '--select', '0x10'])).toMatchObject({ then: { select: 16 }, selectName: null });
    expect(parseArgs(['demo', 'f.json', '--screenshot', 'o.png', '--select', 'uid:4302'])).toMatchObject({ then: { select: null, selectUser: 4302 }, selectName: null });
  });

  it.each([
    [['demo'], /needs a fixture file/],
    [['demo', '--serve'], /needs a fixture file/],
    [['demo', 'f.json', '--serve', '--screenshot', 'o.png'], /exclude each other/],
    [['demo', 'f.json', '--view', 'graph'], /need --screenshot OUT.png/],
    [['demo', 'f.json', '--out', 'o.png'], /unknown option "--out"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
