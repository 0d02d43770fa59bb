// A countdown counts from the moment the view shows: the wall clock when live; a saved file's or a
// replay's own time (the snapshot's takenAt, which follows the slider) when it is a file.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testKey, testSnapshot } from '../../../shared/testing';
import { initialKbState, useKb } from '../store';
import { Countdown } from './Countdown';

afterEach(cleanup);

const takenAt = Date.UTC(2026, 0, 1, 12, 0, 0);
const expiry = { from: takenAt + 5 * 60_000, to: takenAt + 5 * 60_000 };

beforeEach(() => {
  useKb.setState(initialKbState(), true);
  useKb.getState().loadSnapshot({ seq: 0, snapshot: testSnapshot([testKey(1, { expiry })], { takenAt }) });
});

describe('Countdown', () => {
  it('live: counts from the wall clock (a deadline in the past has expired)', () => {
    act(() => useKb.getState().setOrigin({ kind: 'live' }));
    render(<Countdown expiry={expiry} />);
    expect(screen.getByText('expired')).toBeTruthy();
  });

  it("in a saved file or replay: counts from the shown snapshot's time, and follows it", () => {
    act(() => useKb.getState().setOrigin({ kind: 'file', name: 'r.jsonl', takenAt, recording: true }));
    render(<Countdown expiry={expiry} />);
    expect(screen.getByText('5m 00s')).toBeTruthy();
    act(() => void useKb.getState().applyDeltas([{ seq: 1, takenAt: takenAt + 61_000, added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] }]));
    expect(screen.getByText('3m 59s')).toBeTruthy();
  });
});
