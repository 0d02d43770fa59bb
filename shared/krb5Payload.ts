// Decoding the payloads of MIT krb5's KEYRING ccache keys, on request only ("Read payload"). Written from the
// format's description (krb5's ccache file format, version 4: big-endian, every string a 32-bit length
// then bytes), not from krb5's code:
//  - `krb_ccache:primary`: u32 collection version (1), u32 length, the primary cache's name;
//  - `__krb5_princ__`: a principal: u32 name type, u32 component count, realm, components;
//  - `__krb5_time_offsets__`: s32 seconds, s32 microseconds (KDC clock minus ours);
//  - a ticket: client and server principals, keyblock (u16 enctype, key), auth/start/end/renew-till times
//    (u32 seconds), is-skey byte, u32 ticket flags, addresses, authdata, the ticket, a second ticket.
// Secrets: the session key and the ticket itself are skipped, never copied or returned; only their lengths.
// Every read is bounds-checked: a short or garbled payload is a Krb5FormatError, never a wrong answer.

export class Krb5FormatError extends Error {
  override readonly name = 'Krb5FormatError';
}

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number, what: string): void {
    if (this.at + n > this.bytes.length) throw new Krb5FormatError(`payload ends inside ${what} (at byte ${this.at} of ${this.bytes.length})`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.at++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.at);
    this.at += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.at);
    this.at += 4;
    return v;
  }
  s32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.at);
    this.at += 4;
    return v;
  }
  /** A length-prefixed string (UTF-8; krb5 names are bytes, shown as text). */
  text(what: string): string {
    const n = this.u32(`the length of ${what}`);
    this.need(n, what);
    const s = new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  /** Skips a length-prefixed secret without copying it; returns its length. */
  skip(what: string): number {
    const n = this.u32(`the length of ${what}`);
    this.need(n, what);
    this.at += n;
    return n;
  }
  end(what: string): void {
    if (this.at !== this.bytes.length) throw new Krb5FormatError(`${this.bytes.length - this.at} bytes left after ${what}`);
  }
}

export interface Krb5Principal {
  nameType: number;
  realm: string;
  components: string[];
}

/** `host/localhost@EXAMPLE.TEST`, with krb5's escapes for '/', '@' and '\' inside components and realm. */
export function principalText(p: Krb5Principal): string {
  const esc = (s: string, chars: RegExp) => s.replace(chars, (c) => `\\${c}`);
  return `${p.components.map((c) => esc(c, /[/@\\]/g)).join('/')}@${esc(p.realm, /[@\\]/g)}`;
}

/** A sanity bound on component counts: a real principal has a handful. */
const MAX_COMPONENTS = 64;

function readPrincipal(r: Reader, what: string): Krb5Principal {
  const nameType = r.u32(`${what}'s name type`);
  const count = r.u32(`${what}'s component count`);
  if (count > MAX_COMPONENTS) throw new Krb5FormatError(`${what} claims ${count} components`);
  const realm = r.text(`${what}'s realm`);
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(r.text(`${what}'s component ${i + 1}`));
  return { nameType, realm, components };
}

export function decodePrincipal(bytes: Uint8Array): Krb5Principal {
  const r = new Reader(bytes);
  const p = readPrincipal(r, 'the principal');
  r.end('the principal');
  return p;
}

export function decodePrimary(bytes: Uint8Array): { version: number; name: string } {
  const r = new Reader(bytes);
  const version = r.u32('the collection version');
  const name = r.text("the primary cache's name");
  r.end("the primary cache's name");
  return { version, name };
}

export function decodeTimeOffsets(bytes: Uint8Array): { seconds: number; microseconds: number } {
  const r = new Reader(bytes);
  const seconds = r.s32('the time offset');
  const microseconds = r.s32('the time offset');
  r.end('the time offsets');
  return { seconds, microseconds };
}

/** Ticket flags (RFC 4120 KerberosFlags, as krb5 stores them), with the letters `klist -f` prints, in its order. */
export const TICKET_FLAGS: readonly [bit: number, letter: string, name: string][] = [
  [0x40000000, 'F', 'forwardable'],
  [0x20000000, 'f', 'forwarded'],
  [0x10000000, 'P', 'proxiable'],
  [0x08000000, 'p', 'proxy'],
  [0x04000000, 'D', 'may postdate'],
  [0x02000000, 'd', 'postdated'],
  [0x01000000, 'i', 'invalid'],
  [0x00800000, 'R', 'renewable'],
  [0x00400000, 'I', 'initial'],
  [0x00100000, 'H', 'hardware authenticated'],
  [0x00200000, 'A', 'pre-authenticated'],
  [0x00080000, 'T', 'transit policy checked'],
  [0x00040000, 'O', 'ok as delegate'],
  [0x00008000, 'a', 'anonymous'],
];

export interface Krb5Ticket {
  client: Krb5Principal;
  server: Krb5Principal;
  /** The session key's encryption type (the key itself is never read out). */
  enctype: number;
  /** Epoch seconds; startTime 0 means "from authTime", renewTill 0 "not renewable". */
  authTime: number;
  startTime: number;
  endTime: number;
  renewTill: number;
  isSkey: boolean;
  flags: number;
  /** klist -f's letters for `flags`. */
  flagLetters: string;
  flagNames: string[];
  addressCount: number;
  authdataCount: number;
  /** Lengths only: the ticket is a secret to hold, not to show. */
  ticketLength: number;
  secondTicketLength: number;
}

const MAX_LIST = 4096;

export function decodeTicket(bytes: Uint8Array): Krb5Ticket {
  const r = new Reader(bytes);
  const client = readPrincipal(r, 'the client principal');
  const server = readPrincipal(r, 'the server principal');
  const enctype = r.u16('the session key type');
  r.skip('the session key');
  const authTime = r.u32('the auth time');
  const startTime = r.u32('the start time');
  const endTime = r.u32('the end time');
  const renewTill = r.u32('the renew-till time');
  const isSkey = r.u8('is-skey') !== 0;
  const flags = r.u32('the ticket flags');
  const addressCount = r.u32('the address count');
  if (addressCount > MAX_LIST) throw new Krb5FormatError(`${addressCount} addresses`);
  for (let i = 0; i < addressCount; i++) {
    r.u16('an address type');
    r.skip('an address');
  }
  const authdataCount = r.u32('the authdata count');
  if (authdataCount > MAX_LIST) throw new Krb5FormatError(`${authdataCount} authdata entries`);
  for (let i = 0; i < authdataCount; i++) {
    r.u16('an authdata type');
    r.skip('an authdata entry');
  }
  const ticketLength = r.skip('the ticket');
  const secondTicketLength = r.skip('the second ticket');
  r.end('the credential');
  const set = TICKET_FLAGS.filter(([bit]) => (flags & bit) !== 0);
  return {
    client,
    server,
    enctype,
    authTime,
    startTime,
    endTime,
    renewTill,
    isSkey,
    flags,
    flagLetters: set.map(([, letter]) => letter).join(''),
    flagNames: set.map(([, , name]) => name),
    addressCount,
    authdataCount,
    ticketLength,
    secondTicketLength,
  };
}

/** A decoded payload as labelled lines for the payload viewer. */
export interface DecodedPayload {
  title: string;
  fields: [label: string, value: string][];
}

/** Epoch seconds as local date and time (yyyy-mm-dd hh:mm:ss). */
function when(seconds: number): string {
  const d = new Date(seconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The meaning of a payload whose key has one of the Kerberos roles (shared/keyRoles.ts ids); null for other
 * roles. A payload that does not parse gives its error as the only line: said, not guessed around.
 */
export function decodeKeyPayload(roleId: string, bytes: Uint8Array): DecodedPayload | null {
  try {
    switch (roleId) {
      case 'krb5-principal':
        return { title: 'Kerberos principal', fields: [['Principal', principalText(decodePrincipal(bytes))]] };
      case 'krb5-primary': {
        const primary = decodePrimary(bytes);
        return { title: 'Primary credential cache', fields: [['Cache', primary.name], ['Collection version', String(primary.version)]] };
      }
      case 'krb5-time-offsets': {
        const o = decodeTimeOffsets(bytes);
        return { title: 'KDC time offset', fields: [['Offset', `${o.seconds} s ${o.microseconds} µs`]] };
      }
      case 'krb5-ticket':
      case 'krb5-config': {
        const t = decodeTicket(bytes);
        const fields: [string, string][] = [
          ['Client', principalText(t.client)],
          ['Server', principalText(t.server)],
          ['Auth time', when(t.authTime)],
          ['Start time', when(t.startTime || t.authTime)],
          ['End time', when(t.endTime)],
        ];
        if (t.renewTill !== 0) fields.push(['Renew till', when(t.renewTill)]);
        fields.push(['Flags', t.flagLetters === '' ? 'none' : `${t.flagLetters} (${t.flagNames.join(', ')})`]);
        fields.push(['Session key', `enctype ${t.enctype}, not shown`]);
        return { title: roleId === 'krb5-config' ? 'Kerberos cache configuration entry' : 'Kerberos ticket', fields };
      }
      default:
        return null;
    }
  } catch (e) {
    if (!(e instanceof Krb5FormatError)) throw e;
    return { title: 'Not a krb5 payload this app can read', fields: [['Error', e.message]] };
  }
}
