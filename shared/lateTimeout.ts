// A timeout judged fairly in a thread that may be busy: serve's wait for a pong (electron/serve/wsConnection.ts) and
// a client's wait for an answer (wsClient.ts) are one rule, kept here.
//  - Time left is asked of the caller each time the timer fires: a timer may fire early (Node starts it at the
//    loop's time, which lags while the loop is blocked), and what it waits for may move (a sign of life).
//  - The verdict waits one turn of the event loop past the deadline (a 0 ms timer: after it, Node's poll phase,
//    a browser's queued messages), so a timer that fires late because the thread was busy (a long synchronous scan
//    or a page parsing a snapshot of 100k keys) reads the answer that came in time and waits unread, before it
//    gives up on the peer.
// Pure: setTimeout and clearTimeout are in Node and the browser alike.

export interface LateTimeout {
  cancel(): void;
}

/**
 * Calls `expired` once `msLeft()` (the caller's clock and deadline) is 0 or less, and is so still after a turn of
 * the loop that read what was waiting. `unref`: a Node timer that does not keep the process alive (a browser's
 * timer is a number, with nothing to unref).
 */
export function lateTimeout(msLeft: () => number, expired: () => void, options: { unref?: boolean } = {}): LateTimeout {
  let timer: ReturnType<typeof setTimeout>;
  let lookedOnce = false;
  const wait = (ms: number): void => {
    timer = setTimeout(fire, ms);
    if (options.unref) (timer as { unref?: () => void }).unref?.();
  };
  const fire = (): void => {
    const left = msLeft();
    if (left > 0) {
      lookedOnce = false;
      return wait(left);
    }
    if (!lookedOnce) {
      lookedOnce = true;
      return wait(0);
    }
    expired();
  };
  wait(Math.max(0, msLeft()));
  return { cancel: () => clearTimeout(timer) };
}
