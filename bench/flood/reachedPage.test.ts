import { describe, expect, it } from 'vitest';
import { floodMissedPage } from './reachedPage';

describe('floodMissedPage', () => {
  it('passes a run whose page received the deltas of the changes made meanwhile', () => {
    expect(floodMissedPage({ messages: 29, bytes: 35 * 1024 * 1024 }, 60_000)).toBeNull();
    expect(floodMissedPage({ messages: 3, bytes: 8000 }, 1000)).toBeNull();
  });

  it('refuses, saying what it saw, a run whose page received less than the least those changes cost', () => {
    expect(floodMissedPage({ messages: 47, bytes: 14_000 }, 60_000)).toBe(
      'the flood did not reach the page: it received 47 WebSocket messages (13.7 KiB) while the churn made 60000 changes, ' +
        'whose deltas take at least 468.8 KiB (8 bytes each); its figures would be an idle page’s',
    );
    expect(floodMissedPage({ messages: 0, bytes: 0 }, 1)).not.toBeNull();
  });
});
