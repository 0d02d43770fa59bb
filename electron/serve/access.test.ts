import { describe, expect, it } from 'vitest';
import { hostChecker, hostNameOf, newAccessToken, originMatchesHost, tokenMatches } from './access';
import { resolveStaticPath } from '../bundle/bundleFiles';

describe('access token', () => {
  it('is 32 random bytes in base64url, different every time', () => {
    const a = newAccessToken();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(newAccessToken()).not.toBe(a);
  });

  it('matches only itself', () => {
    const t = newAccessToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t, t.slice(0, -1))).toBe(false);
    expect(tokenMatches(t, '')).toBe(false);
    expect(tokenMatches(t, null)).toBe(false);
  });
});

describe('Host and Origin checks', () => {
  it('lets loopback names through when bound to loopback, on any port', () => {
    const ok = hostChecker('127.0.0.1');
    for (const h of ['127.0.0.1:8080', 'localhost:1', 'LOCALHOST', '[::1]:80', '127.0.0.1']) expect(ok(h), h).toBe(true);
    for (const h of ['evil.example:8080', '10.0.0.1:8080', 'localhost.evil.example', '', undefined, 'a b', 'user@localhost'])
      expect(ok(h), String(h)).toBe(false);
  });

  it('accepts exactly the bound address otherwise', () => {
    const ok = hostChecker('192.168.1.5');
    expect(ok('192.168.1.5:9000')).toBe(true);
    expect(ok('localhost:9000')).toBe(false);
    const v6 = hostChecker('fd00::1');
    expect(v6('[fd00::1]:9000')).toBe(true);
  });

  it('accepts IP literals but not foreign names when bound to all interfaces', () => {
    const ok = hostChecker('0.0.0.0');
    expect(ok('10.1.2.3:9000')).toBe(true);
    expect(ok('localhost:9000')).toBe(true);
    expect(ok('evil.example:9000')).toBe(false);
  });

  it('parses Host headers', () => {
    expect(hostNameOf('[::1]:8080')).toBe('[::1]');
    expect(hostNameOf('Example.org')).toBe('example.org');
    expect(hostNameOf('a:b:c')).toBeNull();
  });

  it('wants the Origin of a page loaded from the same Host', () => {
    expect(originMatchesHost('http://127.0.0.1:5000', '127.0.0.1:5000')).toBe(true);
    expect(originMatchesHost('http://127.0.0.1:5001', '127.0.0.1:5000')).toBe(false);
    expect(originMatchesHost('https://127.0.0.1:5000', '127.0.0.1:5000')).toBe(false);
    expect(originMatchesHost('null', '127.0.0.1:5000')).toBe(false);
    expect(originMatchesHost(undefined, '127.0.0.1:5000')).toBe(false);
  });
});

describe('static paths', () => {
  it('stay inside the root', () => {
    expect(resolveStaticPath('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(resolveStaticPath('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    expect(resolveStaticPath('/srv/r', '/../etc/passwd')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%2e%2e/x')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/a%00b')).toBeNull();
    expect(resolveStaticPath('/srv/r', '/%zz')).toBeNull();
  });
});
