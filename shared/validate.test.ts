import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  checkDescription,
  checkKeyId,
  checkPayloadSize,
  checkPermMask,
  checkTimeout,
  parseIdentity,
  parseKeyId,
  parsePayload,
  parsePerm,
  parseTimeout,
} from './validate';

const validators: ((v: unknown) => { ok: boolean; reason?: string })[] = [
  (v) => checkKeyId(v),
  (v) => checkKeyId(v, true),
  (v) => parseKeyId(v, true),
  checkTimeout,
  parseTimeout,
  checkPermMask,
  parsePerm,
  checkDescription,
  (v) => parsePayload(v, 'hex'),
  (v) => parseIdentity(v, { 0: 'root' }, 'user'),
  base64ToBytes,
];

describe('validators', () => {
  it('never throw, and always give a reason when they refuse', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const check of validators) {
          const result = check(value);
          if (!result.ok) expect(result.reason).toMatch(/\w{3}/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accept exactly the positive int32 serials, and -1..-5 only where special ids are allowed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 33), max: 2 ** 33 }), (n) => {
        expect(checkKeyId(n).ok).toBe(n >= 1 && n <= 0x7fffffff);
        expect(checkKeyId(n, true).ok).toBe((n >= 1 && n <= 0x7fffffff) || (n >= -5 && n <= -1));
      }),
    );
    expect(parseKeyId('0x1a2b3c4d')).toEqual({ ok: true, value: 0x1a2b3c4d });
    expect(parseKeyId('@s', true)).toEqual({ ok: true, value: -3 });
    expect(parseKeyId('@s').ok).toBe(false);
  });

  it('take only non-negative whole timeouts that fit in 32 bits', () => {
    expect(parseTimeout('-5')).toMatchObject({ ok: false, reason: expect.stringContaining('negative') });
    expect(parseTimeout('1.5').ok).toBe(false);
    expect(parseTimeout('0')).toEqual({ ok: true, value: 0 });
    expect(checkTimeout(2 ** 32).ok).toBe(false);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => { expect(parseTimeout(String(n))).toEqual({ ok: true, value: n }); }));
  });

  it('take masks with only 0x3f in each byte', () => {
    expect(parsePerm('3f010000')).toEqual({ ok: true, value: 0x3f010000 });
    expect(parsePerm('ff000000')).toMatchObject({ ok: false, reason: expect.stringContaining('0x3f') });
    expect(parsePerm('zz').ok).toBe(false);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => { expect(checkPermMask(n).ok).toBe((n & ~0x3f3f3f3f) === 0); }));
  });

  it('count a description in UTF-8 bytes, up to 4095', () => {
    expect(checkDescription('').ok).toBe(false);
    expect(checkDescription('a'.repeat(4095)).ok).toBe(true);
    expect(checkDescription('é'.repeat(2048))).toMatchObject({ ok: false, reason: expect.stringContaining('4096') });
  });

  it('know each type’s payload limit', () => {
    expect(checkPayloadSize('user', 32767).ok).toBe(true);
    expect(checkPayloadSize('user', 32768).ok).toBe(false);
    expect(checkPayloadSize('logon', 0).ok).toBe(false);
    expect(checkPayloadSize('keyring', 1).ok).toBe(false);
    expect(checkPayloadSize('keyring', 0).ok).toBe(true);
    expect(checkPayloadSize('big_key', 1024 * 1024).ok).toBe(true);
  });

  it('parse hex payloads and round-trip base64', () => {
    expect(parsePayload('de:ad be ef', 'hex')).toEqual({ ok: true, value: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) });
    expect(parsePayload('abc', 'hex').ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = bytesToBase64(bytes);
        // eslint-disable-next-line no-restricted-globals -- the test's oracle: Node's own base64
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(text)).toEqual({ ok: true, value: bytes });
      }),
    );
  });

  it('resolve owners by name or number, empty meaning unchanged', () => {
    const names = { 0: 'root', 1000: 'alice' };
    expect(parseIdentity('alice', names, 'user')).toEqual({ ok: true, value: 1000 });
    expect(parseIdentity('42', names, 'user')).toEqual({ ok: true, value: 42 });
    expect(parseIdentity('', names, 'user')).toEqual({ ok: true, value: null });
    expect(parseIdentity('mallory', names, 'user')).toMatchObject({ ok: false, reason: expect.stringContaining('mallory') });
  });
});
