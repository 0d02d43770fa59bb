// The krb5 payload parser on hand-made payloads and on garbage (the real tickets are in
// electron/keyring/kerberos.test.ts, made by a real KDC).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Krb5FormatError, decodeKeyPayload, decodePrimary, decodePrincipal, decodeTicket, principalText } from './krb5Payload';

/** Big-endian writer for test payloads. */
function build(parts: (['u8' | 'u16' | 'u32', number] | ['data', string | Uint8Array])[]): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => out.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  for (const [kind, v] of parts) {
    if (kind === 'u8') out.push(v as number);
    else if (kind === 'u16') out.push(((v as number) >>> 8) & 255, (v as number) & 255);
    else if (kind === 'u32') u32(v as number);
    else {
      const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : (v as Uint8Array);
      u32(bytes.length);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}

const principal = (realm: string, ...components: string[]) =>
  [['u32', 1], ['u32', components.length], ['data', realm], ...components.map((c) => ['data', c] as ['data', string])] as (['u32', number] | ['data', string])[];

const SECRET = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04]);
const ticket = build([
  ...principal('EXAMPLE.TEST', 'alice'),
  ...principal('EXAMPLE.TEST', 'host', 'localhost'),
  ['u16', 18],
  ['data', SECRET],
  ['u32', 1_800_000_000],
  ['u32', 1_800_000_005],
  ['u32', 1_800_036_000],
  ['u32', 1_800_086_400],
  ['u8', 0],
  ['u32', 0x00800000 | 0x00080000],
  ['u32', 0],
  ['u32', 0],
  ['data', SECRET],
  ['data', ''],
]);

describe('krb5 payloads', () => {
  it('decodes a principal, escaping what needs it', () => {
    expect(principalText(decodePrincipal(build(principal('EXAMPLE.TEST', 'HTTP', 'www.example.test'))))).toBe('HTTP/www.example.test@EXAMPLE.TEST');
    expect(principalText({ nameType: 1, realm: 'R', components: ['a/b', 'c@d'] })).toBe('a\\/b/c\\@d@R');
  });

  it('decodes the primary pointer', () => {
    expect(decodePrimary(build([['u32', 1], ['data', 'krb_ccache_6C9qzTw']]))).toEqual({ version: 1, name: 'krb_ccache_6C9qzTw' });
  });

  it('decodes a ticket without ever returning its session key or ticket', () => {
    const t = decodeTicket(ticket);
    expect(principalText(t.client)).toBe('alice@EXAMPLE.TEST');
    expect(principalText(t.server)).toBe('host/localhost@EXAMPLE.TEST');
    expect([t.authTime, t.startTime, t.endTime, t.renewTill]).toEqual([1_800_000_000, 1_800_000_005, 1_800_036_000, 1_800_086_400]);
    expect(t.flagLetters).toBe('RT');
    expect(t.ticketLength).toBe(8);
    const shown = JSON.stringify([t, decodeKeyPayload('krb5-ticket', ticket)]);
    expect(shown).not.toMatch(/222|173|190|239|deadbeef/i); // the secret's bytes, in any form
    expect(shown).toContain('not shown');
  });

  it('refuses truncated and trailing bytes with a clear error', () => {
    expect(() => decodeTicket(ticket.subarray(0, ticket.length - 1))).toThrow(Krb5FormatError);
    expect(() => decodePrincipal(Uint8Array.from([...build(principal('R', 'a')), 0]))).toThrow(/1 bytes left/);
    expect(decodeKeyPayload('krb5-principal', new Uint8Array(3))).toEqual({ title: 'Not a krb5 payload this app can read', fields: [['Error', expect.stringContaining('ends inside')]] });
    expect(decodeKeyPayload('nfs-idmap', new Uint8Array(3))).toBeNull();
  });

  it('never throws anything but a format error on arbitrary bytes, and decodeKeyPayload never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('krb5-principal', 'krb5-primary', 'krb5-time-offsets', 'krb5-ticket', 'krb5-config'), (bytes, role) => {
        for (const decode of [decodePrincipal, decodePrimary, decodeTicket]) {
          try {
            decode(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(Krb5FormatError);
          }
        }
        expect(decodeKeyPayload(role, bytes)?.fields.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
