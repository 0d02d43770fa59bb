// The rule serve's ping watch and the WebSocket client share, on fake timers (their own tests, limits.test.ts and
// wsClient.test.ts, prove it with a peer in another process while this one's loop is blocked).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lateTimeout } from './lateTimeout';

describe('lateTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires one turn of the loop past the deadline, not at it', () => {
    const expired = vi.fn();
    const deadline = Date.now() + 100;
    lateTimeout(() => deadline - Date.now(), expired);
    vi.advanceTimersToNextTimer(); // the deadline
    expect(Date.now()).toBe(deadline);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersToNextTimer(); // the look at what came meanwhile
    expect(expired).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps waiting when what arrived in that turn moved the deadline, and looks again at the new one', () => {
    const expired = vi.fn();
    let deadline = Date.now() + 100;
    lateTimeout(() => deadline - Date.now(), expired);
    vi.advanceTimersToNextTimer();
    deadline = Date.now() + 50; // a sign of life, read in the turn the verdict waited for
    vi.advanceTimersToNextTimer();
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersToNextTimer();
    expect(Date.now()).toBe(deadline);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersToNextTimer();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('asks for the time left when its timer fires, so a timer that fires early waits out the rest', () => {
    const expired = vi.fn();
    const deadline = Date.now() + 100;
    let clockLag = 40; // the timer was started at the loop's time, which lagged the clock
    lateTimeout(() => deadline - (Date.now() + clockLag), expired);
    clockLag = 0;
    vi.advanceTimersToNextTimer();
    expect(Date.now()).toBe(deadline - 40);
    vi.advanceTimersByTime(39);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(Date.now()).toBe(deadline);
    vi.advanceTimersToNextTimer();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('never expires once cancelled', () => {
    const expired = vi.fn();
    const deadline = Date.now() + 100;
    const timeout = lateTimeout(() => deadline - Date.now(), expired);
    vi.advanceTimersToNextTimer();
    timeout.cancel();
    vi.advanceTimersByTime(1000);
    expect(expired).not.toHaveBeenCalled();
  });
});
