// The renderer's Content-Security-Policy, one definition for every way the page is loaded: the header
// of Electron's app:// protocol and of serve's HTTP responses, and the <meta> the renderer build writes
// into index.html (renderer/vite.config.ts) for a page opened from file:// (the UI bench). Nothing
// inline, nothing remote; the only thing that differs is where the page may connect (serve's
// WebSocket; nowhere in Electron, which talks over IPC). Pure: the Vite config imports it too.

export interface CspOptions {
  /** Extra connect-src sources, e.g. `ws://127.0.0.1:8080` for serve. */
  connect?: string[];
  /** A <meta> policy: without frame-ancestors, which browsers ignore (and warn about) there. */
  meta?: boolean;
}

export function rendererCsp(options: CspOptions = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(options.connect ?? [])],
    // The graph's layout runs in a web worker loaded from our own bundle.
    'worker-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
  };
  if (options.meta) delete directives['frame-ancestors'];
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Headers every renderer response carries, whichever host serves it. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries serve's token: never send it anywhere as a referrer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=()',
  };
}
