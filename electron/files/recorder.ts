// `serve --record FILE`: the live service's changes, appended to a recording as they happen (format in
// shared/snapshotFile.ts and the README). The first line is the full snapshot the service holds when
// recording starts; every later line is one delta exactly as the clients received it, with its time.
// Deltas only, never a repeated snapshot: an idle keyring adds nothing to the file.
//
// Each line is written whole with one write(2) on a file opened O_APPEND, so a machine that dies mid-write
// leaves at most the last line cut short, which `open` drops and says so.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { KeyringEvent, SnapshotDelta, VersionedSnapshot } from '../../shared/api';
import { FileFormatError, recordingDeltaLine, recordingHeaderLine } from '../../shared/snapshotFile';

/** What a recording needs of the service: its current snapshot and its pushed events. */
export interface RecordableService {
  getSnapshot(): Promise<VersionedSnapshot>;
  subscribe(listener: (event: KeyringEvent) => void): () => void;
}

/** Where the lines go: a file (openRecordingFile), or a counter in the bench. */
export type RecordingSink = (text: string) => void;

/**
 * Writes a recording through `sink`: the header once, then one line per delta. Deltas older than the
 * header's snapshot are dropped (they are already in it), so a delta that raced the header is never doubled.
 */
export class RecordingWriter {
  private startSeq: number | null = null;
  private readonly early: SnapshotDelta[] = [];

  constructor(private readonly sink: RecordingSink) {}

  /** The first line: the full snapshot at `seq`. */
  start(snapshot: VersionedSnapshot): void {
    if (this.startSeq !== null) throw new Error('a recording starts once');
    this.sink(recordingHeaderLine(snapshot.snapshot));
    this.startSeq = snapshot.seq;
    for (const delta of this.early.splice(0)) this.append(delta);
  }

  /** One change; held back until the header is written. */
  append(delta: SnapshotDelta): void {
    if (this.startSeq === null) return void this.early.push(delta);
    if (delta.seq <= this.startSeq) return;
    this.sink(recordingDeltaLine(delta));
  }
}

/**
 * Opens FILE for a new recording: created mode 0600 (descriptions and uids are nobody else's business),
 * never over an existing file (a recording is never overwritten). A failure is a FileFormatError sentence.
 */
export function openRecordingFile(path: string): { sink: RecordingSink; close: () => void } {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    const why = code === 'EEXIST' ? 'it exists already (a recording never overwrites a file: choose a new name)' : code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : String(code ?? err);
    throw new FileFormatError(`--record ${path}: cannot create it: ${why}`);
  }
  let open = true;
  return {
    sink: (text) => {
      const bytes = Buffer.from(text, 'utf8');
      let done = 0;
      // A regular file takes the whole write at once; the loop is for the rare short write.
      while (done < bytes.length) done += writeSync(fd, bytes, done);
    },
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

export interface RunningRecording {
  /** Stops listening and closes the file (the last delta is already written). */
  stop(): void;
}

/**
 * Records `service` into `path` until stopped. A write that fails (disk full) stops the recording and is
 * said once through `log`; the service goes on serving.
 */
export async function recordService(service: RecordableService, file: { sink: RecordingSink; close: () => void }, log: (line: string) => void): Promise<RunningRecording> {
  let failed = false;
  const writer = new RecordingWriter((text) => {
    if (failed) return;
    try {
      file.sink(text);
    } catch (err) {
      failed = true;
      log(`record: stopped: cannot write: ${err instanceof Error ? err.message : String(err)}`);
      unsubscribe();
      file.close();
    }
  });
  // Listen before asking for the snapshot: a delta pushed meanwhile is held, then kept or dropped by seq.
  const unsubscribe = service.subscribe((event) => {
    // The service pushes deltas and status; a full 'snapshot' resync is the WebSocket's, never the service's.
    if (event.type === 'delta') writer.append(event.delta);
  });
  try {
    writer.start(await service.getSnapshot());
  } catch (err) {
    unsubscribe();
    file.close();
    throw err;
  }
  return {
    stop: () => {
      unsubscribe();
      file.close();
    },
  };
}
