// Every wait in the bench has an end: a bench that waits for something that never comes (a scan that keeps failing,
// a client that never connects) stops with an error naming what did not come, never hangs the run.

/** `promise`, or a rejection naming `what` once `ms` have passed without it. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not come within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
