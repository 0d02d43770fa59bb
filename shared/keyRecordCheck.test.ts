// isPlainKeyRecord against the file schema's key (snapshotFile.ts keySchema): on every record it accepts, the
// schema must accept too and give back an equal object (so keeping the record as it is loses nothing); and it must
// accept the records snapshot --json writes (else the quick path would never be taken).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainKeyRecord } from './keyRecordCheck';
import { keySchema } from './snapshotFile';

const serial = fc.integer({ min: 1, max: 0x7fff_ffff });
const uint = fc.nat({ max: 2 ** 40 });
const time = fc.integer({ min: 0, max: 4e12 });
const pin = fc.oneof(
  fc.record({ kind: fc.constant('link' as const), from: serial }),
  fc.record({ kind: fc.constant('credentials' as const), count: uint }),
  fc.record({ kind: fc.constant('timer' as const), renewalSeconds: uint, renewedBy: fc.constant('KEYCTL_GET_PERSISTENT' as const) }, { requiredKeys: ['kind'] }),
  fc.record(
    {
      kind: fc.constant('user' as const),
      uid: uint,
      processes: uint,
      userRegistry: serial,
      processList: fc.array(fc.record({ pid: fc.integer({ min: 1, max: 4_194_304 }), command: fc.string({ maxLength: 64 }) }), { maxLength: 3 }),
    },
    { requiredKeys: ['kind', 'uid', 'processes'] },
  ),
);
const expiry = fc.oneof(
  fc.constant(null),
  fc.constant('unknown' as const),
  fc.tuple(time, fc.nat({ max: 1e6 }), fc.option(time, { nil: undefined })).map(([from, width, since]) => (since === undefined ? { from, to: from + width } : { from, to: from + width, since })),
);
/** Key records as the engine writes them: every required field, some of the optional ones. */
const validKey = fc.record(
  {
    id: serial,
    type: fc.constantFrom('user', 'keyring', 'logon', 'big_key', 'asymmetric', 'x'.repeat(64)),
    description: fc.string({ maxLength: 80 }),
    uid: uint,
    gid: uint,
    perm: fc.integer({ min: 0, max: 0xffff_ffff }),
    flags: fc.constantFrom('I------', 'I--Q---', 'IR-Q---', 'I-D----'),
    usage: uint,
    timeout: fc.constantFrom('perm', 'expd', '59m', '4w'),
    expiry,
    possessed: fc.boolean(),
    possessionUnknown: fc.constant(true as const),
    orphan: fc.boolean(),
    payloadLength: uint,
    links: fc.option(fc.array(serial, { maxLength: 5 }), { nil: null }),
    seenBy: fc.array(fc.constantFrom('process', 'uid 0', 'uid 1000'), { maxLength: 3 }),
    pins: fc.array(pin, { maxLength: 3 }),
    doomed: fc.option(fc.record({ reason: fc.constantFrom('revoked', 'invalidated', 'expired', 'negative', 'dead', 'unpinned'), collectAfter: fc.option(time, { nil: null }) }), { nil: null }),
  },
  { requiredKeys: ['id', 'type', 'description', 'uid', 'gid', 'perm', 'flags', 'usage', 'timeout', 'expiry', 'possessed', 'orphan'] },
);

/** Through JSON, as a file's records arrive (JSON.parse's objects, `__proto__` an own field). */
const viaJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;

/** A record changed in one place: a field replaced by any JSON value, deleted, or one added; or a pin or window changed. */
const mutated = fc.tuple(validKey, fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('set', 'delete', 'add', 'deep')).map(([key, pick, value, how]) => {
  const record = viaJson(key) as Record<string, unknown>;
  const fields = Object.keys(record);
  const field = fields[pick % fields.length] as string;
  if (how === 'set') record[field] = value;
  else if (how === 'delete') delete record[field];
  else if (how === 'add') Object.defineProperty(record, ['extra', '__proto__', 'toString', 'constructor'][pick % 4] as string, { value, enumerable: true, writable: true, configurable: true });
  else {
    const inner = [record.pins, record.expiry, record.doomed, record.links].find((x) => typeof x === 'object' && x !== null) as Record<string, unknown> | unknown[] | undefined;
    if (Array.isArray(inner) && inner.length > 0) {
      const at = pick % inner.length;
      const item = inner[at];
      if (typeof item === 'object' && item !== null) (item as Record<string, unknown>)[Object.keys(item)[pick % Object.keys(item).length] ?? 'kind'] = value;
      else inner[at] = value;
    } else if (inner && !Array.isArray(inner)) inner[Object.keys(inner)[pick % Math.max(1, Object.keys(inner).length)] ?? 'from'] = value;
  }
  return record;
});

function agreesWithSchema(record: unknown): void {
  if (!isPlainKeyRecord(record)) return; // the schema decides, and gives the reasons
  const parsed = keySchema.safeParse(record);
  expect(parsed.success, JSON.stringify(record)).toBe(true);
  expect(parsed.data).toStrictEqual(record);
}

describe('isPlainKeyRecord', () => {
  it('accepts the records the engine writes, as the schema does, unchanged', () => {
    fc.assert(
      fc.property(validKey, (key) => {
        const record = viaJson(key);
        expect(isPlainKeyRecord(record)).toBe(true);
        agreesWithSchema(record);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts nothing the schema would refuse or change', () => {
    fc.assert(fc.property(mutated, agreesWithSchema), { numRuns: 20000 });
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 3 }), agreesWithSchema), { numRuns: 2000 });
  });

  it('refuses what the schema refuses, and fields it does not know', () => {
    const key = viaJson({ id: 1, type: 'user', description: 'd', uid: 0, gid: 0, perm: 0, flags: 'I------', usage: 1, timeout: 'perm', expiry: null, possessed: true, orphan: false }) as Record<string, unknown>;
    expect(isPlainKeyRecord(key)).toBe(true);
    const bad: Record<string, unknown>[] = [
      { ...key, id: 0 },
      { ...key, id: 0x8000_0000 },
      { ...key, uid: 2 ** 53 },
      { ...key, usage: -1 },
      { ...key, perm: 1.5 },
      { ...key, type: '' },
      { ...key, flags: 'I-----' },
      { ...key, expiry: { from: 2, to: 1 } },
      { ...key, expiry: { from: 1, to: 2, extra: 3 } },
      { ...key, possessionUnknown: false },
      { ...key, pins: [{ kind: 'link', from: 1, extra: 1 }] },
      { ...key, pins: [{ kind: 'nope' }] },
      { ...key, doomed: { reason: 'bored', collectAfter: null } },
      { ...key, extra: 1 },
      JSON.parse(JSON.stringify(key).replace('{', '{"__proto__":{},')) as Record<string, unknown>,
      JSON.parse(JSON.stringify(key).replace('{', '{"toString":1,')) as Record<string, unknown>,
    ];
    for (const record of bad) expect(isPlainKeyRecord(record), JSON.stringify(record)).toBe(false);
    const { orphan: _, ...missing } = key;
    expect(isPlainKeyRecord(missing)).toBe(false);
  });
});
