// The bench's output: one table of rows. Other benches (the UI figures from e2e, the graph layout) add
// rows by writing JSON files into bench/extra/ (see readExtraRows), or by calling printTable themselves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  /** What was measured, e.g. "snapshot --json (whole process)". */
  name: string;
  /** Column → value, e.g. { '10k keys': '180 ms', '40k keys': '420 ms' }. */
  values: Record<string, string>;
  note?: string;
}

export function printTable(title: string, columns: string[], rows: BenchRow[], out: (s: string) => void = (s) => void process.stdout.write(s)): void {
  const widths = [Math.max(4, ...rows.map((r) => r.name.length)), ...columns.map((c) => Math.max(c.length, ...rows.map((r) => (r.values[c] ?? '').length)))];
  const line = (cells: string[]): string => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(' | ') + ' |';
  out(`\n${title}\n`);
  out(line(['', ...columns]) + '\n');
  out('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|\n');
  for (const r of rows) out(line([r.name, ...columns.map((c) => r.values[c] ?? '')]) + (r.note ? `  ${r.note}` : '') + '\n');
}

/**
 * Extra rows from JSON files in `dir` (default bench/extra): each file is
 * `{ "title": "...", "columns": ["..."], "rows": [{ "name": "...", "values": { "<column>": "..." } }] }`.
 */
export function readExtraTables(dir: string): { title: string; columns: string[]; rows: BenchRow[] }[] {
  if (!existsSync(dir)) return [];
  const out: { title: string; columns: string[]; rows: BenchRow[] }[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      const t = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { title?: string; columns?: string[]; rows?: BenchRow[] };
      if (Array.isArray(t.rows) && Array.isArray(t.columns)) out.push({ title: t.title ?? f, columns: t.columns, rows: t.rows });
    } catch {
      // A half-written file from a running e2e: skip it.
    }
  }
  return out;
}

export function ms(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
