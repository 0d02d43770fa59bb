import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './electron/cli/chromium';

// End-to-end specs run in Debian's chromium (Playwright's own browser download is unavailable here)
// against `bin/keyring-browser serve`; Electron specs run where Electron's binary exists.

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 900 },
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'off',
  },
});
