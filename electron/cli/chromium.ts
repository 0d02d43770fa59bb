// Where `screenshot` finds chromium, and the flags it needs here. Kept apart from screenshot.ts so the
// CLI can say "chromium is missing" without loading Playwright.
import { existsSync } from 'node:fs';

/** The flags Debian's chromium needs here (no sandbox as root, no GPU, no background traffic). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A failure a person can act on: main() prints the message as a sentence and exits 1. */
export class ScreenshotError extends Error {
  override readonly name = 'ScreenshotError';
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** The chromium to drive; a ScreenshotError when it is not there. */
export function requireChromium(): string {
  const path = chromiumPath();
  if (!existsSync(path)) throw new ScreenshotError(`chromium is not installed at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  return path;
}
