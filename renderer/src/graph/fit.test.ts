import { describe, expect, it } from 'vitest';
import { LEGIBLE_ZOOM, legibleViewport } from './fit';

const pane = { width: 900, height: 800 };

describe('legibleViewport', () => {
  it('keeps a fit that is legible as it is', () => {
    const fitting = { x: 10, y: 20, zoom: 0.9 };
    expect(legibleViewport(fitting, { x: 0, y: 0, width: 800, height: 600 }, pane, null, 0.06)).toBe(fitting);
  });

  it('stops at LEGIBLE_ZOOM with the left edge in view and the process node centred vertically', () => {
    const bounds = { x: 0, y: 0, width: 2000, height: 3000 };
    const vp = legibleViewport({ x: 0, y: 0, zoom: 0.2 }, bounds, pane, { x: 0, y: 1500, width: 120, height: 40 }, 0.05);
    expect(vp.zoom).toBe(LEGIBLE_ZOOM);
    expect(vp.x).toBe(40); // 5 % of the shorter side
    expect(vp.y + 1520 * LEGIBLE_ZOOM).toBeCloseTo(400); // the node's centre at the pane's middle
  });

  it('puts the process node at the left edge when another part of the graph lies left of it', () => {
    const bounds = { x: 0, y: 0, width: 4000, height: 20000 };
    const vp = legibleViewport({ x: 0, y: 0, zoom: 0.04 }, bounds, pane, { x: 1200, y: 10000, width: 150, height: 40 }, 0.05);
    expect(vp.x + 1200 * LEGIBLE_ZOOM).toBe(40);
    expect(vp.y + 10020 * LEGIBLE_ZOOM).toBeCloseTo(400);
  });

  it('never leaves the pane empty above the top or below the bottom of the graph', () => {
    const bounds = { x: 0, y: 0, width: 2000, height: 3000 };
    const top = legibleViewport({ x: 0, y: 0, zoom: 0.2 }, bounds, pane, { x: 0, y: 0, width: 120, height: 40 }, 0.05);
    expect(top.y).toBe(40);
    const bottom = legibleViewport({ x: 0, y: 0, zoom: 0.2 }, bounds, pane, { x: 0, y: 2960, width: 120, height: 40 }, 0.05);
    expect(bottom.y + 3000 * LEGIBLE_ZOOM).toBeCloseTo(760);
  });
});
