import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestTarget, shownTarget } from './requestTarget';

describe('parseRequestTarget', () => {
  it('takes origin-form paths and their query', () => {
    expect(parseRequestTarget('/')).toMatchObject({ ok: true, path: '/' });
    expect(parseRequestTarget('/assets/app.js')).toMatchObject({ ok: true, path: '/assets/app.js' });
    expect(parseRequestTarget('/assets/')).toMatchObject({ ok: true, path: '/assets/' });
    const ws = parseRequestTarget('/ws?token=abc-_9&x=%zz');
    expect(ws).toMatchObject({ ok: true, path: '/ws' });
    expect(ws.ok && ws.query.get('token')).toBe('abc-_9');
    expect(ws.ok && ws.query.get('x')).toBe('%zz');
    expect(parseRequestTarget('/%2e%2e/etc')).toMatchObject({ ok: true, path: '/%2e%2e/etc' });
  });

  it('refuses the targets that used to throw, and every other non-path form', () => {
    for (const target of ['//', '//[', '/\\', '/\\\\evil', 'http://', 'http://127.0.0.1/', '//evil.example/x', '*', '', 'x', '/a#b', '/a b', '/a//b', '/[']) {
      expect(parseRequestTarget(target), target).toMatchObject({ ok: false, reason: expect.any(String) });
    }
    expect(parseRequestTarget(undefined)).toMatchObject({ ok: false });
  });

  it('never throws, whatever the target', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (target) => {
        const parsed = parseRequestTarget(target);
        expect(typeof parsed.ok).toBe('boolean');
        expect(typeof shownTarget(target)).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('shownTarget', () => {
  it('shows the path quoted, never the query (it may hold the token), and cuts long ones', () => {
    expect(shownTarget('/ws?token=secret')).toBe('"/ws?…"');
    expect(shownTarget('/a\r\nforged: line')).toBe('"/a\\r\\nforged: line"');
    expect(shownTarget('/' + 'a'.repeat(500)).length).toBeLessThan(100);
    expect(shownTarget(undefined)).toBe('""');
  });
});
