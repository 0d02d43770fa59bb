import { specialKeyring } from './keyIds';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToHex,
  bytesToBase64,
  checkDescription,
  checkKeyId,
  checkKeyType,
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
  checkKeyType,
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
    expect(parseTimeout('90s')).toEqual({ ok: true, value: 90 });
    expect(parseTimeout('10m')).toEqual({ ok: true, value: 600 });
    expect(parseTimeout('1h 30m')).toEqual({ ok: true, value: 5400 });
    expect(parseTimeout('1h30m')).toEqual({ ok: true, value: 5400 });
    expect(parseTimeout('2d')).toEqual({ ok: true, value: 172800 });
    expect(parseTimeout(' 1W ')).toEqual({ ok: true, value: 604800 });
    expect(parseTimeout('10 x').ok).toBe(false);
    expect(parseTimeout('m').ok).toBe(false);
    expect(parseTimeout('99999999999999999999')).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
    expect(parseTimeout('4294967296')).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
    expect(parseTimeout('999999999w')).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
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

describe('edges a person reaches', () => {
  it('takes the first serial, 1, and refuses a key id with 0x inside it', () => {
    expect(parseKeyId('1')).toEqual({ ok: true, value: 1 });
    expect(checkKeyId(1)).toEqual({ ok: true, value: 1 });
    expect(parseKeyId('ab0x12').ok).toBe(false);
    expect(parseKeyId(' @x ', true)).toMatchObject({ ok: false, reason: 'unknown special keyring @x: use @t, @p, @s, @u or @us' });
  });

  it('reads every unit spelling of a timeout, with or without a space before it, up to the largest', () => {
    expect(parseTimeout('90sec')).toEqual({ ok: true, value: 90 });
    expect(parseTimeout('5min')).toEqual({ ok: true, value: 300 });
    expect(parseTimeout('1 h 30 min')).toEqual({ ok: true, value: 5400 });
    expect(parseTimeout('4294967295')).toEqual({ ok: true, value: 4294967295 });
  });

  it('says which rule a full mask breaks, and takes a one-byte payload', () => {
    expect(checkPermMask(0xffffffff)).toMatchObject({ ok: false, reason: expect.stringContaining('0x3f') });
    expect(checkPayloadSize('user', 1)).toEqual({ ok: true, value: 1 });
    expect(checkPayloadSize('logon', 1)).toEqual({ ok: true, value: 1 });
  });

  it('reads hex payloads with 0X, but no 0x in the middle', () => {
    expect(parsePayload('0XDE', 'hex')).toEqual({ ok: true, value: new Uint8Array([0xde]) });
    expect(parsePayload('de0xad', 'hex').ok).toBe(false);
  });

  it('looks up an owner name that starts with digits', () => {
    expect(parseIdentity('1ab', { 1001: '1ab' }, 'user')).toEqual({ ok: true, value: 1001 });
  });

  it('looks up an owner name that ends with digits (a name, not a number)', () => {
    expect(parseIdentity('build1', { 1002: 'build1' }, 'user')).toEqual({ ok: true, value: 1002 });
  });

  it('refuses a 0x key id with anything after its hex digits, rather than taking the digits before it', () => {
    expect(parseKeyId('0x12zz')).toMatchObject({ ok: false, reason: expect.stringContaining('a key id is hex') });
  });

  it('refuses a blank timeout (it does not mean 0, which removes the timeout), and says why each malformed one fails', () => {
    expect(parseTimeout('   ')).toMatchObject({ ok: false, reason: expect.stringContaining('enter seconds') });
    // A minus that does not start the text is a malformed duration, not a negative one.
    expect(parseTimeout('5-')).toMatchObject({ ok: false, reason: expect.stringContaining('a timeout is whole seconds, or a duration') });
    // Digits at the end do not make it a number of seconds: a unit is missing.
    expect(parseTimeout('1h 30')).toMatchObject({ ok: false, reason: expect.stringContaining('a timeout is whole seconds, or a duration') });
  });
});

describe('what a person types', () => {
  it('reads key ids as /proc/keys and keyctl print them: 0x hex, bare hex with a letter, decimal', () => {
    expect(parseKeyId('0x1A2B3C4D')).toEqual({ ok: true, value: 0x1a2b3c4d });
    expect(parseKeyId(' 1ca19b07 ')).toEqual({ ok: true, value: 0x1ca19b07 });
    expect(parseKeyId('439041101')).toEqual({ ok: true, value: 439041101 });
    // All digits: decimal, as keyctl reads it (not the hex 0x12345678).
    expect(parseKeyId('12345678')).toEqual({ ok: true, value: 12345678 });
    expect(parseKeyId('7fffffff')).toEqual({ ok: true, value: 0x7fffffff });
    expect(parseKeyId('2147483647')).toEqual({ ok: true, value: 0x7fffffff });
    expect(parseKeyId('2147483648').ok).toBe(false);
    expect(parseKeyId('ffffffff').ok).toBe(false);
    expect(parseKeyId('80000000')).toEqual({ ok: true, value: 80000000 });
    expect(parseKeyId('0').ok).toBe(false);
    for (const bad of ['0x', '0x123456789', '1ca19b07z', 'x12', '12 34', '-3', '1e5x', '123456789012']) {
      expect(parseKeyId(bad)).toMatchObject({ ok: false, reason: expect.stringMatching(/key id|serial/) });
    }
    expect(parseKeyId('')).toMatchObject({ ok: false, reason: expect.stringContaining('enter a key id') });
    expect(parseKeyId(42)).toMatchObject({ ok: false, reason: expect.stringContaining('text') });
  });

  it('reads the special keyrings as keyctl spells them, each to its own id, only where allowed', () => {
    expect(['@t', '@p', '@s', '@u', '@us'].map((t) => parseKeyId(t, true))).toEqual([-1, -2, -3, -4, -5].map((value) => ({ ok: true, value })));
    expect(parseKeyId(' @US ', true)).toEqual({ ok: true, value: -5 });
    expect(parseKeyId('@u')).toMatchObject({ ok: false, reason: expect.stringContaining('not allowed here') });
    expect(parseKeyId('@x', true)).toMatchObject({ ok: false, reason: expect.stringContaining('unknown special keyring @x') });
    expect(specialKeyring(-3)?.spec).toBe('@s');
    expect(specialKeyring(-5)?.spec).toBe('@us');
    expect(specialKeyring(3)).toBeUndefined();
    expect(checkKeyId(-3)).toMatchObject({ ok: false, reason: expect.stringContaining('between 1 and 0x7fffffff') });
    expect(checkKeyId(-6, true)).toMatchObject({ ok: false, reason: expect.stringContaining('@us') });
    expect(checkKeyId(1.5, true)).toMatchObject({ ok: false, reason: expect.stringContaining('whole number') });
  });

  it('refuses a permission mask wider than 32 bits instead of wrapping it', () => {
    expect(checkPermMask(2 ** 32)).toMatchObject({ ok: false, reason: expect.stringContaining('32 bits') });
    expect(checkPermMask(2 ** 32 + 0x3f010000).ok).toBe(false);
    expect(checkPermMask(-1)).toMatchObject({ ok: false, reason: expect.stringContaining('32 bits') });
    expect(checkPermMask(0x3f3f3f3f)).toEqual({ ok: true, value: 0x3f3f3f3f });
    expect(checkPermMask(0)).toEqual({ ok: true, value: 0 });
    expect(checkPermMask(0x40000000)).toMatchObject({ ok: false, reason: expect.stringContaining('0x3f') });
    expect(checkPermMask(1.5)).toMatchObject({ ok: false, reason: expect.stringContaining('whole number') });
    expect(parsePerm(0x3f010000)).toMatchObject({ ok: false, reason: expect.stringContaining('hex digits') });
  });

  it('refuses a NUL in a description (the kernel would cut it there) and counts bytes, not characters', () => {
    expect(checkDescription('a\0b')).toMatchObject({ ok: false, reason: expect.stringContaining('NUL') });
    expect(checkDescription('a'.repeat(4096))).toMatchObject({ ok: false, reason: expect.stringContaining('this one is 4096') });
    expect(checkDescription('é'.repeat(2047))).toEqual({ ok: true, value: 'é'.repeat(2047) });
    expect(checkDescription(7)).toMatchObject({ ok: false, reason: expect.stringContaining('text') });
    expect(checkDescription('')).toMatchObject({ ok: false, reason: expect.stringContaining('empty') });
  });

  it('takes key type names of 1 to 31 letters, digits and _ . : -', () => {
    for (const t of ['user', 'logon', 'big_key', '.request_key_auth', 'cifs.spnego', 'fscrypt-provisioning', 'a:b', 'A'.repeat(31)]) {
      expect(checkKeyType(t)).toEqual({ ok: true, value: t });
    }
    expect(checkKeyType('A'.repeat(32))).toMatchObject({ ok: false, reason: expect.stringContaining('at most 31') });
    expect(checkKeyType('')).toMatchObject({ ok: false, reason: expect.stringContaining('name like user') });
    expect(checkKeyType(3)).toMatchObject({ ok: false, reason: expect.stringContaining('name like user') });
    for (const t of ['us er', 'user/1', 'user\n', 'ü', 'a;b']) {
      expect(checkKeyType(t)).toMatchObject({ ok: false, reason: expect.stringContaining('only letters') });
    }
  });

  it('refuses malformed base64 rather than reading garbage bytes', () => {
    for (const bad of ['abc', 'ab=c', 'a===', '====x', 'ab!d', 'YQ==YQ==', ' YQ==', 'YQ=\n']) {
      expect(base64ToBytes(bad)).toMatchObject({ ok: false, reason: expect.stringContaining('not valid base64') });
    }
    expect(base64ToBytes(5)).toMatchObject({ ok: false, reason: expect.stringContaining('base64 text') });
    expect(base64ToBytes('')).toEqual({ ok: true, value: new Uint8Array([]) });
    expect(base64ToBytes('/+8=')).toEqual({ ok: true, value: new Uint8Array([0xff, 0xef]) });
    expect(bytesToHex(new Uint8Array([0, 0xab, 0x10]))).toBe('00 ab 10');
  });

  it('takes uids and gids from 0 to 4294967294 (-1 means "leave unchanged" to the kernel)', () => {
    expect(parseIdentity('4294967294', {}, 'user')).toEqual({ ok: true, value: 4294967294 });
    expect(parseIdentity('4294967295', {}, 'group')).toMatchObject({ ok: false, reason: expect.stringContaining('a group id is a whole number from 0 to 4294967294') });
    expect(parseIdentity(0, {}, 'user')).toEqual({ ok: true, value: 0 });
    expect(parseIdentity(-1, {}, 'user')).toMatchObject({ ok: false, reason: expect.stringContaining('a user id') });
    expect(parseIdentity(1.5, {}, 'user').ok).toBe(false);
    expect(parseIdentity(null, {}, 'user')).toEqual({ ok: true, value: null });
    expect(parseIdentity(undefined, {}, 'user')).toEqual({ ok: true, value: null });
    expect(parseIdentity('  ', {}, 'user')).toEqual({ ok: true, value: null });
    expect(parseIdentity(' alice ', { 1000: 'alice' }, 'user')).toEqual({ ok: true, value: 1000 });
    expect(parseIdentity({}, {}, 'group')).toMatchObject({ ok: false, reason: expect.stringContaining('a group is a name or a number') });
    expect(parseIdentity('staff', {}, 'group')).toMatchObject({ ok: false, reason: expect.stringContaining('no group named “staff”') });
  });

  it('reads timeouts and payloads with a reason for each refusal', () => {
    expect(parseTimeout('')).toMatchObject({ ok: false, reason: expect.stringContaining('enter seconds') });
    expect(parseTimeout(' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseTimeout('4294967296')).toMatchObject({ ok: false, reason: expect.stringContaining('at most 4294967295') });
    expect(parseTimeout('1234567890123')).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
    expect(checkTimeout(-1)).toMatchObject({ ok: false, reason: expect.stringContaining('negative') });
    expect(checkTimeout(Infinity)).toMatchObject({ ok: false, reason: expect.stringContaining('number of seconds') });
    expect(checkTimeout(0.5)).toMatchObject({ ok: false, reason: expect.stringContaining('whole number') });
    expect(checkTimeout(0xffffffff)).toEqual({ ok: true, value: 0xffffffff });
    expect(parsePayload('héllo', 'text')).toEqual({ ok: true, value: new TextEncoder().encode('héllo') });
    expect(parsePayload('0xDEAD', 'hex')).toEqual({ ok: true, value: new Uint8Array([0xde, 0xad]) });
    expect(parsePayload('', 'hex')).toEqual({ ok: true, value: new Uint8Array([]) });
    expect(parsePayload('zz', 'hex')).toMatchObject({ ok: false, reason: expect.stringContaining('0-9 and a-f') });
    expect(parsePayload('abc', 'hex')).toMatchObject({ ok: false, reason: expect.stringContaining('two digits per byte') });
    expect(parsePayload(1, 'text')).toMatchObject({ ok: false, reason: expect.stringContaining('payload is text') });
    expect(checkPayloadSize('user', 0)).toMatchObject({ ok: false, reason: expect.stringContaining('at least 1 byte') });
    expect(checkPayloadSize('user', 40000)).toMatchObject({ ok: false, reason: expect.stringContaining('at most 32767 bytes (this one is 40000)') });
    expect(checkPayloadSize('keyring', 3)).toMatchObject({ ok: false, reason: expect.stringContaining('no payload') });
    expect(checkPayloadSize('nope' as 'user', 3)).toMatchObject({ ok: false, reason: expect.stringContaining('unknown key type nope') });
  });
});
