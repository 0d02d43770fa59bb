// Who may call the service over IPC: only the main window's top frame, showing our own bundle.
// Kept free of Electron imports (it only reads the event's fields) so it is tested directly.

/** The renderer bundle is served from app://bundle/ (see setupAppProtocol in main.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for URLs of our bundle. (WHATWG gives non-special schemes the origin 'null', so compare parts.) */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

interface FrameLike {
  readonly url: string;
}
export interface SenderEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}
export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
}

/**
 * The sender is trusted when it is the main window's webContents, the message comes from that
 * window's top frame (not an iframe), and that frame shows our bundle (not a page navigated to).
 */
export function isTrustedSender(event: SenderEventLike, trusted: WebContentsLike | null): boolean {
  if (!trusted || trusted.isDestroyed()) return false;
  if (event.sender !== trusted) return false;
  const frame = event.senderFrame;
  if (!frame || frame !== trusted.mainFrame) return false;
  return isAppUrl(frame.url);
}
