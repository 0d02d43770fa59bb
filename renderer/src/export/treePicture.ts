// The tree view as a standalone SVG: the rows the tree shows now (same expansion, same search
// filter), drawn from the redaction's keys: each row's key is looked up by its original id and only
// the redacted copy is read, so a description can reach the picture only if the redaction kept it.
import { QUOTA_LEVEL_WORDS, quotaLevel, quotaPercent, userLabel, worstQuotaLevel, type QuotaLevel } from '../../../shared/quota';
import type { Redaction } from '../../../shared/redact';
import type { FlatRow } from '../tree/flatten';
import { ANCHOR_LABELS } from '../tree/model';
import { hexId } from '../util/format';
import { chips, chipsWidth, PALETTE, stateChips, svgDocument, text, textWidth, typeIcon, type Chip } from './svg';

const ROW = 26;
const INDENT = 18;
const PAD = 16;
const ID_COL = 84;
const SIZE = 13;

interface Line {
  depth: number;
  /** Draws the row's content from x (after indent and chevron) with the row's vertical centre cy. */
  draw(x: number, cy: number): string;
  width: number;
  chevron: 'open' | 'closed' | null;
  id: string | null;
  section: boolean;
}

function keyLine(row: Extract<FlatRow, { kind: 'key' }>, r: Redaction): Line | null {
  const k = r.keyOf(row.key.id);
  if (!k) return null; // never fall back to the original key
  const isRing = k.type === 'keyring';
  const parts: { s: string; color: string; weight?: number }[] = [];
  if (row.anchor) parts.push({ s: ANCHOR_LABELS[row.anchor], color: PALETTE.muted, weight: 600 });
  if (!isRing) parts.push({ s: k.type, color: PALETTE.muted });
  parts.push({ s: k.description || '(no description)', color: PALETTE.text });
  if (isRing && k.links) parts.push({ s: k.links.length === 0 ? 'empty' : String(k.links.length), color: PALETTE.faint });
  const list: Chip[] = [];
  if (isRing && k.links === null) list.push({ label: 'not readable', kind: 'muted' });
  if (row.shared) list.push({ label: 'shared', kind: 'shared' });
  if (row.cycle) list.push({ label: '↻ cycle', kind: 'muted' });
  list.push(...stateChips(k.flags, k.timeout));
  const textW = parts.reduce((w, p) => w + textWidth(p.s, SIZE) + 8, 0);
  return {
    depth: row.depth,
    chevron: row.expandable ? (row.expanded ? 'open' : 'closed') : null,
    id: hexId(k.id),
    section: false,
    width: 20 + textW + chipsWidth(list),
    draw(x, cy) {
      let out = typeIcon(x + 6, cy, k.type);
      let at = x + 20;
      for (const p of parts) {
        out += text(at, cy + 4.5, p.s, { size: SIZE, color: p.color, weight: p.weight });
        at += textWidth(p.s, SIZE) + 8;
      }
      return out + chips(at, cy, list).svg;
    },
  };
}

const LEVEL_COLOR: Record<QuotaLevel, string> = { ok: PALETTE.muted, warn: PALETTE.amber, critical: PALETTE.red, full: PALETTE.red };

/** A user node: its name and uid as the redaction shows them (`user1001 (uid 1001)`), and its quota in words. */
function userLine(row: Extract<FlatRow, { kind: 'user' }>, r: Redaction): Line {
  const uid = r.uid(row.group.uid);
  const q = r.snapshot.quotas.find((x) => x.uid === uid) ?? null;
  const label = userLabel(uid, q?.name);
  const parts: { s: string; color: string; weight?: number }[] = [{ s: label, color: PALETTE.text, weight: 600 }];
  if (q) {
    parts.push({ s: `keys ${q.qnkeys}/${q.maxkeys} (${quotaPercent(q.qnkeys, q.maxkeys)} %)`, color: LEVEL_COLOR[quotaLevel(q.qnkeys, q.maxkeys)] });
    parts.push({ s: `bytes ${q.qnbytes}/${q.maxbytes} (${quotaPercent(q.qnbytes, q.maxbytes)} %)`, color: LEVEL_COLOR[quotaLevel(q.qnbytes, q.maxbytes)] });
    const level = worstQuotaLevel(q);
    if (level !== 'ok') parts.push({ s: QUOTA_LEVEL_WORDS[level], color: LEVEL_COLOR[level], weight: 600 });
  }
  return {
    depth: row.depth,
    chevron: row.expandable ? (row.expanded ? 'open' : 'closed') : null,
    id: null,
    section: false,
    width: 20 + parts.reduce((w, p) => w + textWidth(p.s, SIZE) + 10, 0),
    draw(x, cy) {
      let out = '';
      let at = x + 20;
      for (const p of parts) {
        out += text(at, cy + 4.5, p.s, { size: SIZE, color: p.color, weight: p.weight });
        at += textWidth(p.s, SIZE) + 10;
      }
      return out;
    },
  };
}

function lineOf(row: FlatRow, r: Redaction): Line | null {
  switch (row.kind) {
    case 'section': {
      const label = `${row.label}  ${row.count}`;
      return {
        depth: 0,
        chevron: row.expanded ? 'open' : 'closed',
        id: null,
        section: true,
        width: textWidth(label, SIZE),
        draw: (x, cy) =>
          text(x, cy + 4.5, row.label, { size: SIZE, weight: 600 }) +
          text(x + textWidth(row.label, SIZE) + 10, cy + 4.5, String(row.count), { size: 12, color: PALETTE.faint }),
      };
    }
    case 'anchor-none':
      return {
        depth: row.depth,
        chevron: null,
        id: null,
        section: false,
        width: 20 + textWidth(row.label, SIZE) + 50,
        draw: (x, cy) =>
          text(x + 20, cy + 4.5, row.label, { size: SIZE, color: PALETTE.muted, weight: 600 }) +
          text(x + 28 + textWidth(row.label, SIZE), cy + 4.5, 'none', { size: SIZE, color: PALETTE.faint, italic: true }),
      };
    case 'hidden': {
      const label = 'member not visible to this process';
      return {
        depth: row.depth,
        chevron: null,
        id: hexId(r.id(row.keyId)),
        section: false,
        width: 20 + textWidth(label, SIZE),
        draw: (x, cy) => text(x + 20, cy + 4.5, label, { size: SIZE, color: PALETTE.faint, italic: true }),
      };
    }
    case 'key':
      return keyLine(row, r);
    case 'user':
      return userLine(row, r);
    case 'ghost':
      return null; // a removal in flight is not part of the state being pictured
    case 'pending':
      return null; // only the tree's first render leaves sections for later; an export's rows have every section
  }
}

function chevron(x: number, cy: number, open: boolean): string {
  const d = open ? `M${x - 4} ${cy - 2} L${x} ${cy + 2.5} L${x + 4} ${cy - 2}` : `M${x - 2} ${cy - 4} L${x + 2.5} ${cy} L${x - 2} ${cy + 4}`;
  return `<path d="${d}" fill="none" stroke="${PALETTE.muted}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>`;
}

/** The rows as an SVG document. */
export function buildTreeSvg(rows: readonly FlatRow[], r: Redaction, title = 'Keyring tree'): string {
  const lines = rows.map((row) => lineOf(row, r)).filter((l): l is Line => l != null);
  const contentW = Math.max(320, ...lines.map((l) => 6 + l.depth * INDENT + 16 + l.width));
  const width = PAD * 2 + contentW + ID_COL;
  const height = PAD * 2 + Math.max(1, lines.length) * ROW;
  let body = '';
  lines.forEach((l, i) => {
    const top = PAD + i * ROW;
    const cy = top + ROW / 2;
    if (l.section) body += `<rect x="${PAD / 2}" y="${top + 1}" width="${width - PAD}" height="${ROW - 2}" rx="4" fill="${PALETTE.bgSoft}"/>`;
    const x = PAD + 6 + l.depth * INDENT;
    if (l.chevron) body += chevron(x + 5, cy, l.chevron === 'open');
    body += l.draw(x + 16, cy);
    if (l.id) body += text(width - PAD, cy + 4.5, l.id, { size: 12, color: PALETTE.faint, mono: true, anchor: 'end' });
  });
  if (!lines.length) body += text(PAD, PAD + 17, 'No keys visible', { color: PALETTE.muted });
  return svgDocument(width, height, body, title);
}
