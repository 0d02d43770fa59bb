// Whether a flood run measured the page under the flood: a run whose page received next to nothing over its
// WebSocket while the churn ran (serve not seeing the churn's keys, the page disconnected) measured an idle page,
// and its latencies would read as the flood's. Such a run is refused, not reported.

/**
 * The least a delta spends on one change: a removed key's id (a decimal serial, 9 or 10 digits, and a comma).
 * Added and changed keys cost far more: session 13's run received 35 MiB for some 60k changes and 20k-key bursts.
 */
export const LEAST_DELTA_BYTES_PER_CHANGE = 8;

/** Why the flood did not reach the page (the run's figures would mean nothing), or null when it did. */
export function floodMissedPage(page: { messages: number; bytes: number }, changes: number): string | null {
  const least = changes * LEAST_DELTA_BYTES_PER_CHANGE;
  if (page.bytes >= least) return null;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  return (
    `the flood did not reach the page: it received ${page.messages} WebSocket messages (${kib(page.bytes)}) while the churn ` +
    `made ${changes} changes, whose deltas take at least ${kib(least)} (${LEAST_DELTA_BYTES_PER_CHANGE} bytes each); ` +
    'its figures would be an idle page’s'
  );
}
