// A quick yes for a saved file's key records. `isPlainKeyRecord(v)` is true only when the file schema's key
// (snapshotFile.ts `keySchema`) would accept `v` and give back an equal object: no field it lacks, none it does not
// know, each value as the schema checks it. Then the record is kept as it is, and zod reads only the rest of the
// file. Why: zod took ≈ 10 µs a key (a 40k-key snapshot's keys ≈ 400-600 ms of CPU, most of `open FILE`'s time and
// of its garbage). Whatever this check is unsure of answers false, and the whole file goes through the schema, which
// gives the reasons: it may be stricter than the schema, never looser (keyRecordCheck.test.ts holds it to the schema
// on generated and mutated records). A field added to the schema fails that test until it is added here.
// Pure: no Node, Electron or DOM.

type Check = (v: unknown) => boolean;

const int = (min: number, max: number): Check => (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const serial = int(1, 0x7fff_ffff);
const uint = int(0, Number.MAX_SAFE_INTEGER);
const text = (max: number, min = 0): Check => (v) => typeof v === 'string' && v.length >= min && v.length <= max;
const finite: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const bool: Check = (v) => typeof v === 'boolean';
const exactly = (value: unknown): Check => (v) => v === value;
const nullOr = (check: Check): Check => (v) => v === null || check(v);
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);

/** A plain object whose fields are exactly `required`'s and some of `optional`'s, each passing its check. */
function objectOf(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  // Maps, not objects: a file's `__proto__`, `constructor` or `toString` field must not find Object.prototype's.
  const checks = new Map<string, Check>([...Object.entries(required), ...Object.entries(optional)]);
  const requiredCount = Object.keys(required).length;
  const isRequired = new Set(Object.keys(required));
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
    let found = 0;
    for (const key of Object.keys(v)) {
      const check = checks.get(key);
      if (check === undefined || !check((v as Record<string, unknown>)[key])) return false;
      if (isRequired.has(key)) found++;
    }
    return found === requiredCount;
  };
}

const pinChecks = new Map<unknown, Check>([
  ['link', objectOf({ kind: exactly('link'), from: serial })],
  ['credentials', objectOf({ kind: exactly('credentials'), count: uint })],
  ['timer', objectOf({ kind: exactly('timer') }, { renewalSeconds: uint, renewedBy: exactly('KEYCTL_GET_PERSISTENT') })],
  [
    'user',
    objectOf(
      { kind: exactly('user'), uid: uint, processes: uint },
      { kernelThreads: uint, userRegistry: serial, processList: arrayOf(objectOf({ pid: int(1, Number.MAX_SAFE_INTEGER), command: text(64) })) },
    ),
  ],
]);
const pin: Check = (v) => typeof v === 'object' && v !== null && (pinChecks.get((v as { kind?: unknown }).kind)?.(v) ?? false);

const expiryWindow = objectOf({ from: finite, to: finite }, { since: finite });
const expiry: Check = (v) => v === null || v === 'unknown' || (expiryWindow(v) && (v as { from: number }).from <= (v as { to: number }).to);

const DOOM_REASONS = new Set<unknown>(['revoked', 'invalidated', 'expired', 'negative', 'dead', 'unpinned']);
const doom = objectOf({ reason: (v) => DOOM_REASONS.has(v), collectAfter: nullOr(finite) });

/** True when `v` is a key record the file schema would keep exactly as it is (see the top). */
export const isPlainKeyRecord: Check = objectOf(
  {
    id: serial,
    type: text(64, 1),
    description: text(4096),
    uid: uint,
    gid: uint,
    perm: int(0, 0xffff_ffff),
    flags: (v) => typeof v === 'string' && v.length === 7,
    usage: uint,
    timeout: text(16),
    expiry,
    possessed: bool,
    orphan: bool,
  },
  {
    possessionUnknown: exactly(true),
    payloadLength: uint,
    links: nullOr(arrayOf(serial)),
    seenBy: arrayOf(text(64)),
    pins: arrayOf(pin),
    doomed: nullOr(doom),
  },
);
