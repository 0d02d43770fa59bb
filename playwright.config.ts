import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './electron/cli/chromium';
import { TEST_MS } from './e2e/support/scanTime';

// End-to-end specs run in Debian's chromium (Playwright's own browser download is unavailable here)
// against `bin/keyring-browser serve`; Electron specs run where Electron's binary exists.

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Sized for the shared 2-core machine CI runs on, where another session may hold 40k keys or more and the load
  // reach 17: a first scan alone may take a minute there, more with more keys (e2e/support/scanTime.ts), and any
  // later step that waits for a poll, a file or a render several seconds (CHANGE_SEEN_MS). A passing test takes
  // what it takes; only a failing one waits this long.
  timeout: TEST_MS,
  expect: { timeout: 30_000 },
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
