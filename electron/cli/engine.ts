// Which engine draws a `screenshot`: Electron's capturePage where Electron's binary is installed (the
// real app draws itself), else headless chromium against the in-process server. Light on purpose: the
// CLI decides before loading Playwright or spawning anything.
import { electronBinary } from './app';
import { requireChromium, ScreenshotError } from './chromium';

export type PictureEngine = { kind: 'electron'; binary: string } | { kind: 'chromium'; executablePath: string };

export function pictureEngine(requested: 'auto' | 'electron' | 'chromium', findElectron: () => string | null = electronBinary): PictureEngine {
  if (requested !== 'chromium') {
    const binary = findElectron();
    if (binary !== null) return { kind: 'electron', binary };
    if (requested === 'electron') {
      throw new ScreenshotError('--engine electron: the Electron binary is not installed here (node_modules/electron/dist); use --engine chromium.');
    }
  }
  return { kind: 'chromium', executablePath: requireChromium() };
}
