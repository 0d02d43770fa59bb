// Bundles electron/preload.ts (and the shared/ code it imports) into ONE CommonJS file,
// dist/electron/preload.js: a sandboxed preload cannot require local files.
// Build: vite build --config electron/preload.vite.config.mts
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: 'electron/preload.ts', formats: ['cjs'], fileName: () => 'preload.js' },
    outDir: 'dist/electron',
    emptyOutDir: false, // tsc's main-process output lives there too
    target: 'node20',
    minify: false,
    sourcemap: true,
    rolldownOptions: { external: ['electron'] },
  },
});
