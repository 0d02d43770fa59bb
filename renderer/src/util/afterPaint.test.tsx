import { act, render } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { afterNextPaint, useAfterPaint } from './afterPaint';

function Shown({ value }: { value: number }) {
  return <span>{useAfterPaint(value)}</span>;
}

describe('afterPaint', () => {
  it('shows a new value only after the next frame, and a burst of values never waits more than one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'requestAnimationFrame'] });
    try {
      const { container, rerender } = render(<Shown value={1} />);
      expect(container.textContent).toBe('1');
      rerender(<Shown value={2} />);
      expect(container.textContent).toBe('1');
      // Changed again before the frame: joins the wait already running, not a new one.
      await act(async () => {
        await vi.advanceTimersByTimeAsync(10);
        rerender(<Shown value={3} />);
      });
      expect(container.textContent).toBe('1');
      await act(() => vi.advanceTimersByTimeAsync(20));
      expect(container.textContent).toBe('3');
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs every callback asked for before the paint once, in one task, and not a cancelled one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'requestAnimationFrame'] });
    try {
      const calls: string[] = [];
      afterNextPaint(() => calls.push('a'));
      const cancel = afterNextPaint(() => calls.push('b'));
      afterNextPaint(() => calls.push('c'));
      cancel();
      expect(calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(40);
      expect(calls).toEqual(['a', 'c']);
    } finally {
      vi.useRealTimers();
    }
  });
});
