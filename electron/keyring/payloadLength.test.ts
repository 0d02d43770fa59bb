// Payload lengths from /proc/keys: the suffix each type prints (pure cases), and keys made with keyutils'
// keyctl, whose payloads the test chose, read back through a scan.
import { describe, expect, it } from 'vitest';
import { keyctlCli } from './test/kernelHelpers';
import { payloadLengthFromSuffix } from './payloadLength';
import { scanSnapshot } from './scanner';

const suffix = (type: string, text: string) => payloadLengthFromSuffix(type, text, 0, text.length);

describe('payloadLengthFromSuffix', () => {
  it('reads what user, logon, big_key and keyring print', () => {
    expect(suffix('user', ': 5')).toBe(5);
    expect(suffix('logon', ': 0')).toBe(0);
    expect(suffix('big_key', ': 300000 [file]')).toBe(300000);
    expect(suffix('big_key', ': 12 [buff]')).toBe(12);
    expect(suffix('keyring', ': 3')).toBe(12); // 4 bytes a member
    expect(suffix('keyring', ': empty')).toBe(0);
  });

  it('states nothing for other types, no suffix, or one that is not a length', () => {
    expect(suffix('asymmetric', ': X509.rsa 1a2b3c4d []')).toBeUndefined();
    expect(suffix('encrypted', ': 5')).toBeUndefined();
    expect(suffix('user', '')).toBeUndefined();
    expect(suffix('user', ': ')).toBeUndefined();
    expect(suffix('user', ': 5x')).toBeUndefined();
    expect(suffix('user', ':5')).toBeUndefined();
    expect(suffix('big_key', ': 12')).toBeUndefined();
    expect(suffix('keyring', ': emptyish')).toBeUndefined();
  });
});

describe('a scan carries the payload lengths /proc/keys states', () => {
  it('for user and logon keys (their data) and keyrings (4 bytes a member), also where a description looks like a suffix', async () => {
    const ring = Number(keyctlCli('newring', `pl-ring-${process.pid}`, '@s'));
    const user = Number(keyctlCli('add', 'user', 'pl-user', 'abcde', String(ring)));
    const tricky = Number(keyctlCli('add', 'user', 'pl-tricky: 7', 'xy', String(ring)));
    const logon = Number(keyctlCli('add', 'logon', 'pl:logon', '123456789', String(ring)));
    const empty = Number(keyctlCli('newring', `pl-empty-${process.pid}`, String(ring)));
    const keys = new Map((await scanSnapshot()).keys.map((k) => [k.id, k]));
    expect(keys.get(user)?.payloadLength).toBe(5);
    expect(keys.get(tricky)).toMatchObject({ description: 'pl-tricky: 7', payloadLength: 2 });
    expect(keys.get(logon)?.payloadLength).toBe(9);
    expect(keys.get(ring)?.payloadLength).toBe(4 * 4);
    expect(keys.get(empty)?.payloadLength).toBe(0);
  });
});
