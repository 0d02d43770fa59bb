// The renderer's Content-Security-Policy, one definition for both hosts: Electron's app:// protocol
// and serve's HTTP responses. Nothing inline, nothing remote; the only thing that differs is where
// the page may connect (serve's WebSocket; nowhere in Electron, which talks over IPC).

export interface CspOptions {
  /** Extra connect-src sources, e.g. `ws://127.0.0.1:8080` for serve. */
  connect?: string[];
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
