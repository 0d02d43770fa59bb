// Small helpers to write a standalone SVG document as text: escaping, a text-width estimate, the
// light palette and the badge chip both pictures share. The pictures are built from data, never by
// copying the DOM, so what they show is exactly what the (redacted) data says.
import { BADGE_LABELS, stateBadges, type BadgeKind } from '../../../shared/flags';

/** Light theme, whatever the app's theme: the pictures go into documentation. */
export const PALETTE = {
  bg: '#ffffff',
  bgSoft: '#f6f8fa',
  border: '#d0d7de',
  borderSoft: '#e4e8ec',
  text: '#1f2328',
  muted: '#59636e',
  faint: '#818b98',
  accent: '#0969da',
  edge: '#8c959f',
  keyring: '#8250df',
  user: '#1a7f37',
  logon: '#bc4c00',
  asym: '#0969da',
  other: '#57606a',
  /** Quota levels (shared/quota.ts): amber from 80 %, red from 95 %. */
  amber: '#9a6700',
  red: '#cf222e',
} as const;

const BADGE_COLORS: Record<BadgeKind | 'shared' | 'muted' | 'pins', { fg: string; bg: string }> = {
  revoked: { fg: '#cf222e', bg: '#ffebe9' },
  invalidated: { fg: '#cf222e', bg: '#ffebe9' },
  dead: { fg: '#cf222e', bg: '#ffebe9' },
  expired: { fg: '#9a6700', bg: '#fff8c5' },
  negative: { fg: '#9a6700', bg: '#fff8c5' },
  underConstruction: { fg: '#0550ae', bg: '#ddf4ff' },
  shared: { fg: '#0550ae', bg: '#ddf4ff' },
  muted: { fg: '#59636e', bg: '#eaeef2' },
  pins: { fg: '#8250df', bg: '#fbefff' },
};

export const FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif";
export const MONO = "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A generous width estimate (no font metrics without a DOM): ~0.6 em per character. */
export function textWidth(s: string, size: number, mono = false): number {
  return Math.ceil([...s].length * size * (mono ? 0.62 : 0.58));
}

export function typeColor(type: string): string {
  if (type === 'keyring') return PALETTE.keyring;
  if (type === 'user' || type === 'big_key' || type === 'encrypted' || type === 'trusted') return PALETTE.user;
  if (type === 'logon') return PALETTE.logon;
  if (type === 'asymmetric') return PALETTE.asym;
  return PALETTE.other;
}

export interface TextOpts {
  size?: number;
  color?: string;
  weight?: number;
  mono?: boolean;
  anchor?: 'start' | 'end' | 'middle';
  italic?: boolean;
}

/** `y` is the baseline. */
export function text(x: number, y: number, s: string, o: TextOpts = {}): string {
  const attrs = [
    `x="${x}"`,
    `y="${y}"`,
    `font-size="${o.size ?? 13}"`,
    `fill="${o.color ?? PALETTE.text}"`,
    o.weight ? `font-weight="${o.weight}"` : '',
    o.mono ? `font-family="${escapeXml(MONO)}"` : '',
    o.anchor && o.anchor !== 'start' ? `text-anchor="${o.anchor}"` : '',
    o.italic ? 'font-style="italic"' : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${escapeXml(s)}</text>`;
}

/** A small type icon: a ring for keyrings, a dot for keys, in the type's colour, centred on (cx, cy). */
export function typeIcon(cx: number, cy: number, type: string): string {
  const c = typeColor(type);
  return type === 'keyring'
    ? `<circle cx="${cx}" cy="${cy}" r="5" fill="none" stroke="${c}" stroke-width="1.8"/><circle cx="${cx}" cy="${cy}" r="1.6" fill="${c}"/>`
    : `<circle cx="${cx}" cy="${cy}" r="4" fill="${c}"/>`;
}

export interface Chip {
  label: string;
  kind: keyof typeof BADGE_COLORS;
}

export function stateChips(flags: string, timeout: string): Chip[] {
  return stateBadges(flags, timeout).map((b) => ({ label: BADGE_LABELS[b], kind: b }));
}

/** Draws chips left to right from x (vertically centred on cy); returns the svg and the x after them. */
export function chips(x: number, cy: number, list: readonly Chip[], size = 10.5): { svg: string; end: number } {
  let svg = '';
  let at = x;
  for (const c of list) {
    const w = textWidth(c.label, size) + 10;
    const { fg, bg } = BADGE_COLORS[c.kind];
    svg += `<rect x="${at}" y="${cy - 8}" width="${w}" height="16" rx="8" fill="${bg}"/>`;
    svg += text(at + w / 2, cy + 3.6, c.label, { size, color: fg, anchor: 'middle', weight: 600 });
    at += w + 4;
  }
  return { svg, end: at };
}

export function chipsWidth(list: readonly Chip[], size = 10.5): number {
  return list.reduce((w, c) => w + textWidth(c.label, size) + 14, 0);
}

/** The whole document: white background, system font, no external references. */
export function svgDocument(width: number, height: number, body: string, title: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${escapeXml(FONT)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect width="${w}" height="${h}" fill="${PALETTE.bg}"/>` +
    body +
    `</svg>\n`
  );
}
