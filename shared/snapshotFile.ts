// Snapshots as files: what `snapshot --json`, Export → JSON and `serve --record` write, and what `open`
// and `diff` read back. Everything read from a file is `unknown` until the schemas here accept it; a file
// that is refused is refused with one sentence (FileFormatError), never a stack trace.
// Pure: zod only, no Node, Electron or DOM.
//
// Format 1:
// - A snapshot file is one JSON object: the Snapshot (shared/snapshot.ts) with `"format": 1` first.
// - A recording is JSON Lines: the first line is `{"format":1,"kind":"recording","snapshot":{…}}`, each
//   further line one SnapshotDelta (shared/api.ts) as the live app received it, with its `takenAt`.
//   A machine that crashed while recording leaves a last line cut short: it is dropped, and said.
import { z } from 'zod';
import type { DataOrigin, SnapshotDelta } from './api';
import { applyDelta } from './delta';
import { isPlainKeyRecord } from './keyRecordCheck';
import type { KeyInfo, Snapshot } from './snapshot';
import { FILE_FORMAT } from './fileFormat';

export { FILE_FORMAT };
/** The largest file read: far above a 40k-key snapshot (~10 MB) or an hour's recording; below V8's largest string. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
export const RECORDING_KIND = 'recording';

/** A file that cannot be read as a snapshot or recording, with the reason in one sentence. */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
}

export type SavedFile =
  | { kind: 'snapshot'; snapshot: Snapshot }
  | {
      kind: 'recording';
      /** The full snapshot the recording starts with. */
      start: Snapshot;
      /** Every change after it, in order. */
      deltas: SnapshotDelta[];
      /** Set when the file ended in a cut-off line: says what was dropped. */
      truncated: string | null;
    };

// ---------------------------------------------------------------------------------------------
// Schemas. Typed against the shared types, so a change of shape there fails to compile here.

const serial = z.int().min(1, 'a key id must be a positive serial').max(0x7fff_ffff, 'a key id must fit in 31 bits');
const uint = z.int().min(0);

const anchorsSchema = z.object({
  thread: serial.nullable(),
  process: serial.nullable(),
  session: serial.nullable(),
  user: serial.nullable(),
  userSession: serial.nullable(),
  persistent: serial.nullable(),
});

const pinSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link'), from: serial }),
  z.object({ kind: z.literal('credentials'), count: uint }),
  z.object({
    kind: z.literal('timer'),
    renewalSeconds: uint.optional(),
    renewedBy: z.literal('KEYCTL_GET_PERSISTENT').optional(),
  }),
  z.object({
    kind: z.literal('user'),
    uid: uint,
    processes: uint,
    kernelThreads: uint.optional(),
    userRegistry: serial.optional(),
    processList: z.array(z.object({ pid: z.int().min(1), command: z.string().max(64) })).optional(),
  }),
]);

const doomSchema = z.object({
  reason: z.enum(['revoked', 'invalidated', 'expired', 'negative', 'dead', 'unpinned']),
  collectAfter: z.number().nullable(),
});

const keyFieldsShape = {
  type: z.string().min(1).max(64),
  description: z.string().max(4096),
  uid: uint,
  gid: uint,
  perm: z.int().min(0).max(0xffff_ffff),
  flags: z.string().length(7, 'flags are the 7 characters /proc/keys prints'),
  usage: uint,
  timeout: z.string().max(16),
  expiry: z.union([
    z.object({ from: z.number(), to: z.number(), since: z.number().optional() }).refine((w) => w.from <= w.to, 'an expiry window ends after it starts'),
    z.null(),
    z.literal('unknown'),
  ]),
  possessed: z.boolean(),
  possessionUnknown: z.literal(true).optional(),
  orphan: z.boolean(),
  payloadLength: uint.optional(),
  links: z.array(serial).nullable().optional(),
  seenBy: z.array(z.string().max(64)).optional(),
  pins: z.array(pinSchema).optional(),
  doomed: doomSchema.nullable().optional(),
};

/** A key record (exported for keyRecordCheck.test.ts, which holds isPlainKeyRecord to it). */
export const keySchema = z.object({ id: serial, ...keyFieldsShape });

const quotaSchema = z.object({
  uid: uint,
  // Files written before quotas carried names read as "no name".
  name: z.string().max(256).nullable().default(null),
  usage: uint,
  nkeys: uint,
  nikeys: uint,
  qnkeys: uint,
  maxkeys: uint,
  qnbytes: uint,
  maxbytes: uint,
});

const snapshotShape = {
  takenAt: z.number(),
  uid: uint,
  gid: uint,
  groups: z.array(uint),
  anchors: anchorsSchema,
  keys: z.array(keySchema),
  quotas: z.array(quotaSchema),
  scope: z
    .discriminatedUnion('kind', [z.object({ kind: z.literal('process') }), z.object({ kind: z.literal('uid'), uid: uint }), z.object({ kind: z.literal('all') })])
    .optional(),
};

const snapshotSchema: z.ZodType<Snapshot> = z.object(snapshotShape);
/** The same, for a body whose keys isPlainKeyRecord has passed: they are kept as they are (keyRecordCheck.ts). */
const snapshotOfCheckedKeysSchema: z.ZodType<Snapshot> = z.object({ ...snapshotShape, keys: z.array(z.custom<KeyInfo>()) });

const deltaSchema: z.ZodType<SnapshotDelta> = z.object({
  seq: uint,
  takenAt: z.number(),
  added: z.array(keySchema),
  removed: z.array(serial),
  changed: z.array(z.object({ id: serial, changes: z.object({ ...keyFieldsShape, payloadLength: uint.nullable(), possessionUnknown: z.literal(true).nullable() }).partial() })),
  linksAdded: z.array(z.tuple([serial, serial])),
  linksRemoved: z.array(z.tuple([serial, serial])),
  anchors: anchorsSchema.optional(),
  quotas: z.array(quotaSchema).optional(),
});

/** The snapshot a file ends in: itself, or a recording's start with every change applied (what `diff` and "Compare with…" compare). */
export function finalSnapshot(file: SavedFile): Snapshot {
  return file.kind === 'snapshot' ? file.snapshot : file.deltas.reduce(applyDelta, file.start);
}

/** Where the keys come from when `name` is shown: the status bar's file name and time, and whether it replays. */
export function savedFileOrigin(name: string, file: SavedFile): DataOrigin {
  const start = file.kind === 'snapshot' ? file.snapshot : file.start;
  return {
    kind: 'file',
    name,
    takenAt: start.takenAt,
    recording: file.kind === 'recording',
    ...(file.kind === 'recording' && file.truncated ? { truncated: file.truncated } : {}),
  };
}

/** A recording's changes as the replay applies them: renumbered 1, 2, … after its first snapshot (seq 0), as a live stream's. */
export function replayChanges(deltas: readonly SnapshotDelta[]): SnapshotDelta[] {
  return deltas.map((d, i) => ({ ...d, seq: i + 1 }));
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The snapshot file's text: `{"format":1,…the snapshot…}` and a newline. */
export function snapshotFileText(snapshot: Snapshot, indent?: number): string {
  return JSON.stringify({ format: FILE_FORMAT, ...snapshot }, null, indent) + '\n';
}

/** The first line of a recording (with its newline). */
export function recordingHeaderLine(snapshot: Snapshot): string {
  return JSON.stringify({ format: FILE_FORMAT, kind: RECORDING_KIND, snapshot }) + '\n';
}

/** One delta line of a recording (with its newline). */
export function recordingDeltaLine(delta: SnapshotDelta): string {
  return JSON.stringify(delta) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Reads a snapshot file or a recording from its text; throws FileFormatError with the reason. */
export function parseSavedFile(text: string): SavedFile {
  if (text.trim() === '') throw new FileFormatError('the file is empty');
  const firstLineEnd = text.indexOf('\n');
  const firstLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const head = tryJson(firstLine);
  if (isObject(head) && head.kind === RECORDING_KIND) return parseRecording(head, text.slice(firstLine.length + 1));
  // `snapshot --json` writes one line and a newline: that line is the whole file, parsed once (a second parse of a
  // 40k-key file cost ≈ 100 ms and its garbage).
  const whole = firstLineEnd < 0 || (head !== NOT_JSON && text.slice(firstLineEnd).trim() === '') ? head : tryJson(text);
  if (whole === NOT_JSON) throw new FileFormatError(notJsonReason(text));
  return { kind: 'snapshot', snapshot: checkSnapshot(whole, 'the file') };
}

const NOT_JSON = Symbol('not JSON');

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function notJsonReason(text: string): string {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'the file is not valid JSON (cut off or damaged?)';
  return 'the file is not JSON: expected a keyring-browser snapshot (snapshot --json) or recording';
}

/** Refuses other format versions before looking at the rest, so a newer file gets the right reason. */
function checkFormat(value: Record<string, unknown>, what: string): void {
  if (!('format' in value)) {
    throw new FileFormatError(`${what} has no "format" field: it is not a keyring-browser snapshot (snapshot --json writes "format": ${FILE_FORMAT})`);
  }
  const f = value.format;
  if (f === FILE_FORMAT) return;
  if (typeof f === 'number' && Number.isInteger(f) && f > FILE_FORMAT) {
    throw new FileFormatError(`${what} is in format ${f}, newer than this keyring-browser reads (format ${FILE_FORMAT}): use a newer keyring-browser`);
  }
  throw new FileFormatError(`${what} has format ${JSON.stringify(f)}; this keyring-browser reads format ${FILE_FORMAT}`);
}

/** A snapshot file's object: the format, then the snapshot (the fields beside it). */
function checkSnapshot(value: unknown, what: string): Snapshot {
  if (!isObject(value)) throw new FileFormatError(`${what} is JSON but not a snapshot (expected an object with "format" and "keys")`);
  checkFormat(value, what);
  const body = { ...value };
  delete body.format;
  return checkSnapshotBody(body, what);
}

function checkSnapshotBody(body: unknown, what: string): Snapshot {
  if (!isObject(body)) throw new FileFormatError(`${what} is not a snapshot (expected an object with "keys")`);
  const keys = body.keys;
  const parsed = (Array.isArray(keys) && keys.every(isPlainKeyRecord) ? snapshotOfCheckedKeysSchema : snapshotSchema).safeParse(body);
  if (!parsed.success) throw new FileFormatError(`${what} is not a valid snapshot: ${describeIssues(parsed.error)}`);
  checkConsistent(parsed.data, what);
  return parsed.data;
}

/**
 * What a schema cannot say: each key once, anchors and pins naming keys the file holds.
 * Links may name ids the file lacks: a keyring's member list includes members this process may not
 * view (the kernel hides those from /proc/keys), and the live snapshot keeps them.
 */
function checkConsistent(snapshot: Snapshot, what: string): void {
  const ids = new Set<number>();
  for (const k of snapshot.keys) {
    if (ids.has(k.id)) throw new FileFormatError(`${what} lists key ${hex(k.id)} twice`);
    ids.add(k.id);
  }
  for (const [name, id] of Object.entries(snapshot.anchors)) {
    if (id !== null && !ids.has(id)) throw new FileFormatError(`${what}: the ${name} keyring ${hex(id)} is not among its keys`);
  }
  for (const k of snapshot.keys) {
    for (const pin of k.pins ?? []) {
      if (pin.kind === 'link' && !ids.has(pin.from)) {
        throw new FileFormatError(`${what}: key ${hex(k.id)} is pinned by a link from ${hex(pin.from)}, which is not among its keys`);
      }
    }
  }
}

function parseRecording(head: Record<string, unknown>, rest: string): SavedFile {
  checkFormat(head, 'the recording');
  const start = checkSnapshotBody(head.snapshot, 'the recording’s first snapshot');
  const lines = rest.split('\n');
  const deltas: SnapshotDelta[] = [];
  let truncated: string | null = null;
  let seq = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const lineNo = i + 2;
    const value = tryJson(line);
    if (value === NOT_JSON) {
      // Only the very last line can be cut short by a crash; anything earlier is damage. (Asked only here: asked of
      // every line, it made reading a recording quadratic in its lines.)
      if (lines.slice(i + 1).every((l) => l.trim() === '')) {
        truncated = `the recording ends in a cut-off line (line ${lineNo}): showing it up to its last whole change`;
        break;
      }
      throw new FileFormatError(`the recording’s line ${lineNo} is not valid JSON`);
    }
    const parsed = deltaSchema.safeParse(value);
    if (!parsed.success) throw new FileFormatError(`the recording’s line ${lineNo} is not a valid change: ${describeIssues(parsed.error)}`);
    const delta = parsed.data;
    if (delta.seq <= seq) throw new FileFormatError(`the recording’s line ${lineNo} goes back in sequence (change ${delta.seq} after ${seq})`);
    seq = delta.seq;
    deltas.push(delta);
  }
  return { kind: 'recording', start, deltas, truncated };
}

function describeIssues(error: z.ZodError): string {
  const first = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more problems)` : '';
  return first.join('; ') + more;
}

function hex(id: number): string {
  return id.toString(16).padStart(8, '0');
}
