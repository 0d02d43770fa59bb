// Who may talk to serve: the access token, and the Host/Origin checks against DNS rebinding.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';

/** 32 random bytes, base64url: unguessable, and safe in a URL without escaping. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison. Hashing first makes the lengths equal, so the length leaks nothing either. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** How a host appears in a URL or Host header: IPv6 literals in brackets. */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * Decides which Host header names reach serve. A DNS-rebinding page sends its own name (evil.example)
 * while its requests land on our address, so only our own names pass: the bound address, loopback
 * names when bound to loopback, and any IP literal or this machine's name when bound to all interfaces.
 * The port is not compared: an SSH tunnel (`ssh -L 9000:127.0.0.1:PORT`) legitimately changes it, and
 * a rebinding attack is defeated by the name alone.
 */
export function hostChecker(boundHost: string): (hostHeader: string | undefined) => boolean {
  const allowed = new Set<string>([urlHost(boundHost).toLowerCase()]);
  if (isLoopbackHost(boundHost)) for (const name of LOOPBACK_NAMES) allowed.add(name);
  const wildcard = isWildcardHost(boundHost);
  if (wildcard) {
    for (const name of LOOPBACK_NAMES) allowed.add(name);
    allowed.add(osHostname().toLowerCase());
  }
  return (hostHeader) => {
    const name = hostNameOf(hostHeader);
    if (name === null) return false;
    if (allowed.has(name)) return true;
    return wildcard && isIP(name.replace(/^\[|\]$/g, '')) !== 0;
  };
}

/** The name part of a Host header (`[::1]:8080` → `[::1]`), lower-cased; null when malformed. */
export function hostNameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/@]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  return m ? m[1]!.toLowerCase() : null;
}

/** A browser's Origin for a page it loaded from `hostHeader`: only such pages may open the WebSocket. */
export function originMatchesHost(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (!origin || !hostHeader) return false;
  return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}
