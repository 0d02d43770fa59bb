// What one peer may cost serve: time, connections, memory. Each limit ends that peer's connection
// (with a status or close code and a log line), never the server. Tests pass smaller values.

export interface ServeLimits {
  /** A request's headers must have arrived this long after its first byte (slowloris). */
  headersTimeoutMs: number;
  /** A whole request must have arrived within this. */
  requestTimeoutMs: number;
  /** An HTTP connection with no traffic for this long is closed (also one that never sends a byte). */
  idleTimeoutMs: number;
  /** A kept-alive connection waits this long for its next request. */
  keepAliveTimeoutMs: number;
  /** Open connections (HTTP and WebSocket); one more is answered 503 and closed. */
  maxConnections: number;
  /**
   * Every WebSocket is pinged this often; a peer that has not answered a ping within this long is dropped, so a
   * dead peer goes within two intervals. Judged only once serve has read what arrived (wsConnection.ts): serve's
   * own loop being blocked longer never drops a peer that answered meanwhile.
   */
  wsPingIntervalMs: number;
  /**
   * Unsent bytes a WebSocket may queue: past this, what it is to get waits as objects (wsConnection.ts) until the
   * backlog drains, and a backlog that stays over it without shrinking for `wsStallMs` closes it.
   */
  wsMaxBufferedBytes: number;
  wsStallMs: number;
  /** Requests one WebSocket may have waiting for their answers before it is closed. */
  wsMaxRequestsInFlight: number;
}

export const DEFAULT_LIMITS: ServeLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 128,
  // A dead peer is gone within 2 × 25 s = 50 s.
  wsPingIntervalMs: 25_000,
  // A snapshot of 10,000 keys is about 3 MB: this is several unread ones.
  wsMaxBufferedBytes: 32 * 1024 * 1024,
  // A page parsing a snapshot of 100k keys at load 17 takes seconds, and takes nothing from its socket meanwhile.
  wsStallMs: 20_000,
  // The page has a handful outstanding at most.
  wsMaxRequestsInFlight: 64,
};

/** WebSocket close code for a peer that broke a limit (RFC 6455 §7.4.1: policy violation). */
export const WS_CLOSE_LIMIT = 1008;
