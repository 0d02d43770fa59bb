import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Two projects: node-side code runs in forked processes, each of which joins its own anonymous
// session keyring (electron/test/setupSession.ts) so tests never see each other's keys or the machine's;
// renderer code runs in happy-dom. Before the node tests, dist/ is built from the sources
// (electron/test/buildDist.ts): worker threads and child processes run the compiled code.
export default defineConfig({
  test: {
    // Under CI a skipped test fails the run (electron/test/failOnSkip.ts).
    reporters: process.env.CI ? ['default', './electron/test/failOnSkip.ts'] : ['default'],
    projects: [
      {
        test: {
          name: 'node',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          setupFiles: ['electron/test/setupSession.ts', 'shared/test/fastCheckBounds.ts'],
          // Not under `npm run mutation`, which builds dist/ once: Stryker starts vitest again and again.
          globalSetup: process.env.KB_MUTATION === '1' ? [] : ['electron/test/buildDist.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['shared/test/fastCheckBounds.ts'],
          // Generous: the graph tests lay out in elkjs, which on a loaded 2-core machine can take seconds.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
