// The graph view as a standalone SVG: the same nodes, edges and positions as on screen (the graph
// model and its layout), each link along the screen's line (linkPath), with every label taken from the redaction: a key node looks its key up
// by original id and reads only the redacted copy, so the picture says what the export says.
import { QUOTA_LEVEL_WORDS, quotaPercent, userLabel, worstQuotaLevel } from '../../../shared/quota';
import type { Redaction } from '../../../shared/redact';
import type { LayoutResult } from '../graph/layout';
import { BOX_TITLE } from '../graph/layout';
import { linkEnds, linkPath } from '../graph/linkPath';
import { CLUSTER_LABELS, groupBreakdown, groupTitle, type GraphEdgeItem, type GraphModel, type GraphNodeItem } from '../graph/model';
import { pinSummary } from '../graph/pinSummary';
import { ANCHOR_LABELS } from '../tree/model';
import { hexId } from '../util/format';
import { chips, PALETTE, stateChips, svgDocument, text, textWidth, typeColor, typeIcon, type Chip } from './svg';

const PAD = 24;

/** Cuts a label to fit `width` px at `size`, with an ellipsis. */
export function fit(s: string, width: number, size: number): string {
  if (textWidth(s, size) <= width) return s;
  const chars = [...s];
  let n = chars.length;
  while (n > 1 && textWidth(chars.slice(0, n).join('') + '…', size) > width) n--;
  return chars.slice(0, n).join('') + '…';
}

/** Greedy word wrap by estimated width; a word longer than the line stays whole (fit() cuts it later). */
export function wrap(s: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

function nodeSvg(item: GraphNodeItem, b: Box, r: Redaction, observerUid: number | null): string {
  const frame = (stroke: string, extra = '') =>
    `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="${PALETTE.bg}" stroke="${stroke}" stroke-width="1.2"${extra}/>`;
  const line1 = b.y + b.h - 24;
  const line2 = b.y + b.h - 8;
  if (item.kind === 'process') {
    const uid = observerUid != null ? `uid ${r.uid(observerUid)} · credentials` : 'credentials';
    return (
      frame(PALETTE.accent) +
      `<rect x="${b.x + 10}" y="${line1 - 10}" width="12" height="10" rx="1.5" fill="none" stroke="${PALETTE.accent}" stroke-width="1.4"/>` +
      text(b.x + 28, line1, 'This process', { size: 13, weight: 600 }) +
      text(b.x + 10, line2, uid, { size: 11, color: PALETTE.muted })
    );
  }
  if (item.kind === 'group') {
    const sub = groupBreakdown(item) ?? `folded from ${hexId(r.id(item.ringId))}`;
    return (
      frame(PALETTE.border, ` stroke-dasharray="4 3"`) +
      typeIcon(b.x + 14, line1 - 4.5, item.typeCounts[0]?.[0] ?? 'user') +
      text(b.x + 26, line1, fit(groupTitle(item), b.w - 36, 13), { size: 13, weight: 600 }) +
      text(b.x + 10, line2, fit(sub, b.w - 20, 11), { size: 11, color: PALETTE.muted })
    );
  }
  if (item.kind === 'user') {
    // Name and uid as the redaction shows them (`user1001 (uid 1001)`), and the quota in words.
    const uid = r.uid(item.group.uid);
    const q = r.snapshot.quotas.find((x) => x.uid === uid) ?? null;
    const level = q ? worstQuotaLevel(q) : 'ok';
    const color = level === 'ok' ? PALETTE.muted : level === 'warn' ? PALETTE.amber : PALETTE.red;
    const sub = q ? `keys ${quotaPercent(q.qnkeys, q.maxkeys)} % · bytes ${quotaPercent(q.qnbytes, q.maxbytes)} %${level === 'ok' ? '' : ` · ${QUOTA_LEVEL_WORDS[level]}`}` : 'no quota line';
    return (
      frame(level === 'ok' ? PALETTE.accent : color) +
      `<circle cx="${b.x + 15}" cy="${line1 - 8}" r="3" fill="none" stroke="${PALETTE.accent}" stroke-width="1.4"/>` +
      text(b.x + 26, line1, fit(userLabel(uid, q?.name), b.w - 36, 13), { size: 13, weight: 600 }) +
      text(b.x + 10, line2, fit(sub, b.w - 20, 11), { size: 11, color })
    );
  }
  const k = r.keyOf(item.key.id);
  if (!k) return frame(PALETTE.border); // never fall back to the original key
  const isRing = k.type === 'keyring';
  let out = `<g${k.doomed ? ' opacity="0.55"' : ''}>`;
  out += frame(isRing ? PALETTE.keyring : PALETTE.border);
  out += `<rect x="${b.x}" y="${b.y + 6}" width="3" height="${b.h - 12}" rx="1.5" fill="${typeColor(k.type)}"/>`;
  if (item.anchors.length) {
    out += text(b.x + 10, b.y + 15, fit(item.anchors.map((a) => ANCHOR_LABELS[a]).join(' · '), b.w - 20, 10.5), { size: 10.5, color: PALETTE.accent, weight: 600 });
  }
  out += typeIcon(b.x + 15, line1 - 4.5, k.type);
  let at = b.x + 26;
  const count = isRing ? (k.links == null ? 'unreadable' : k.links.length === 0 ? 'empty' : String(k.links.length)) : '';
  const countW = count ? textWidth(count, 11) + 6 : 0;
  if (!isRing) {
    out += text(at, line1, k.type, { size: 12, color: PALETTE.muted });
    at += textWidth(k.type, 12) + 6;
  }
  out += text(at, line1, fit(k.description || '(no description)', b.x + b.w - 8 - countW - at, 13), { size: 13, weight: 500 });
  if (count) out += text(b.x + b.w - 8, line1, count, { size: 11, color: PALETTE.faint, anchor: 'end' });
  out += text(b.x + 10, line2, hexId(k.id), { size: 10.5, color: PALETTE.faint, mono: true });
  const list: Chip[] = stateChips(k.flags, k.timeout);
  if (item.shared) list.push({ label: 'shared', kind: 'shared' });
  const pins = pinSummary(k.pins, false);
  if (pins) list.push({ label: pins.short, kind: 'pins' });
  out += chips(b.x + 10 + textWidth('00000000', 10.5, true) + 8, line2 - 3.5, list, 9.5).svg;
  return out + '</g>';
}

/** A link's stroke as styles.css draws `.graph-edge` and its kind, shared and cross-cluster classes (light theme). */
function edgeStyle(e: GraphEdgeItem): string {
  let stroke: string = PALETTE.edge;
  let width = 1.3;
  let dash = '';
  let opacity = 1;
  if (e.kind === 'anchor') [stroke, width] = [PALETTE.faint, 2.2];
  if (e.kind === 'user') [stroke, width, opacity] = [PALETTE.accent, 1.6, 0.7];
  if (e.kind === 'group') dash = '2 3';
  if (e.shared) [stroke, width, dash] = [PALETTE.accent, 1.8, '6 3'];
  if (e.crossCluster) [dash, opacity] = ['1 4', 0.8];
  const marker = e.shared ? 'arrow-shared' : e.kind === 'anchor' ? 'arrow-anchor' : 'arrow';
  return (
    ` stroke="${stroke}" stroke-width="${width}"` +
    (dash ? ` stroke-dasharray="${dash}"` : '') +
    (e.crossCluster ? ' stroke-linecap="round"' : '') +
    (opacity < 1 ? ` opacity="${opacity}"` : '') +
    ` marker-end="url(#${marker})"`
  );
}

/** The graph as an SVG document; null when the layout places nothing. */
export function buildGraphSvg(model: GraphModel, layout: LayoutResult, r: Redaction, observerUid: number | null, title = 'Keyring graph'): string | null {
  const boxOf = new Map<string, Box>();
  for (const n of model.nodes) {
    const p = layout.positions[n.id];
    if (p) boxOf.set(n.id, { x: p[0], y: p[1], w: n.width, h: n.height });
  }
  if (!boxOf.size) return null;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (b: Box) => {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  };
  boxOf.forEach(grow);
  for (const c of layout.boxes) grow({ x: c.x, y: c.y, w: c.width, h: c.height });
  const dx = PAD - minX;
  const dy = PAD - minY;
  const at = (b: Box): Box => ({ x: b.x + dx, y: b.y + dy, w: b.w, h: b.h });

  let body =
    `<defs>` +
    `<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${PALETTE.edge}"/></marker>` +
    `<marker id="arrow-shared" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${PALETTE.accent}"/></marker>` +
    `<marker id="arrow-anchor" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="${PALETTE.faint}"/></marker>` +
    `</defs>`;
  for (const c of layout.boxes) {
    const b = at({ x: c.x, y: c.y, w: c.width, h: c.height });
    body += `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="10" fill="${PALETTE.bgSoft}" stroke="${PALETTE.borderSoft}"/>`;
    // The title band holds two short lines at most (a narrow box wraps its title, as on screen).
    const lines = wrap(CLUSTER_LABELS[c.cluster], b.w - 28, 12);
    const size = lines.length > 1 ? 11 : 12;
    lines.slice(0, 2).forEach((l, i) => {
      body += text(b.x + 14, b.y + (lines.length > 1 ? 15 + i * 13 : BOX_TITLE / 2 + 8), i === 1 ? fit(l, b.w - 28, size) : l, { size, color: PALETTE.muted, weight: 600 });
    });
  }
  // Each link along the line the screen draws (linkPath: a right-angled step, or the lanes the layered
  // layout keeps for a long link), styled as styles.css styles `.graph-edge`.
  for (const e of model.edges) {
    const s = boxOf.get(e.source);
    const t = boxOf.get(e.target);
    if (!s || !t) continue;
    const { x1, y1, x2, y2 } = linkEnds({ x: s.x + dx, y: s.y + dy, width: s.w, height: s.h }, { x: t.x + dx, y: t.y + dy, height: t.h });
    const route = layout.routes?.[`${e.source}>${e.target}`]?.map(([x, y]) => [x + dx, y + dy] as const);
    body += `<path d="${linkPath(x1, y1, x2, y2, route)}" fill="none"${edgeStyle(e)}/>`;
  }
  for (const n of model.nodes) {
    const b = boxOf.get(n.id);
    if (b) body += nodeSvg(n, at(b), r, observerUid);
  }
  return svgDocument(maxX - minX + PAD * 2, maxY - minY + PAD * 2, body, title);
}
