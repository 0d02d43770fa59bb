// /proc/keys as the *possessing* thread sees it: the only place to learn flags, usage and timeout of keys
// that grant view to their possessor alone (perm 0x3f000000 and the like), which the non-possessing reader
// cannot see. This read costs keys × keyrings in the kernel (sides.ts), so it happens only when such
// keys exist, and its result is reused for a while in proportion to what it cost: at most one read per
// REUSE_FACTOR × its duration (always fresh when it is cheap, i.e. on ordinary desktops).
import { parseProcKeys, type ProcKeyLine } from './procKeys';
import type { FileText } from './sides';

const REUSE_FACTOR = 10;
const ALWAYS_FRESH_BELOW_MS = 1000;

export interface TimedLine extends ProcKeyLine {
  /** Epoch ms of the read the line comes from (timeouts are relative to it). */
  readAt: number;
}

export class PossessingProcKeys {
  private lines = new Map<number, TimedLine>();
  private readAt = 0;
  private costMs = 0;

  /** @param read reads `${procRoot}/keys` with the possessing side's credentials (sides.ts readProcKeys). */
  constructor(
    private readonly procRoot: string,
    private readonly now: () => number,
    private readonly read: (procRoot: string) => Promise<FileText>,
  ) {}

  /** Lines for `ids`, as the possessing side sees them (its credentials decide possession). */
  async linesFor(ids: readonly number[]): Promise<Map<number, TimedLine>> {
    const age = this.now() - this.readAt;
    const stale = age > Math.max(ALWAYS_FRESH_BELOW_MS, REUSE_FACTOR * this.costMs);
    if (stale || ids.some((id) => !this.lines.has(id))) await this.refresh();
    const out = new Map<number, TimedLine>();
    for (const id of ids) {
      const line = this.lines.get(id);
      if (line) out.set(id, line);
    }
    return out;
  }

  private async refresh(): Promise<void> {
    const started = performance.now();
    const { text, code, message } = await this.read(this.procRoot);
    if (text === undefined) throw new Error(`cannot read ${this.procRoot}/keys as the possessing side (${code ?? 'error'}${message ? `: ${message}` : ''})`);
    const readAt = this.now();
    this.costMs = performance.now() - started;
    this.readAt = readAt;
    this.lines = new Map(parseProcKeys(text).lines.map((l) => [l.id, { ...l, readAt }]));
  }
}
