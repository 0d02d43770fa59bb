// Builds the renderer into dist/renderer. base './' so the same bundle works from file://, app://
// and serve's http. One classic (non-module) script: Chromium refuses module scripts from file://
// (an opaque origin), and a single file needs no chunk loading at all.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { rendererCsp } from '../shared/csp';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Rewrites the built script tag to a deferred classic script (no type=module, no crossorigin). */
function classicScript(): Plugin {
  return {
    name: 'keyring-browser:classic-script',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml(html) {
      return html
        .replace(/<script type="module" crossorigin src="([^"]+)"><\/script>/g, '<script defer src="$1"></script>')
        .replace(/<link rel="stylesheet" crossorigin href=/g, '<link rel="stylesheet" href=');
    },
  };
}

/**
 * Writes the one CSP (shared/csp.ts) into the built page, for a page opened from file://; app:// and
 * serve send it as a header too. Not in the dev server, which injects inline scripts (React refresh)
 * and <style> tags (CSS HMR) that the strict CSP forbids.
 */
function builtCsp(): Plugin {
  return {
    name: 'keyring-browser:built-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: rendererCsp({ meta: true }) }, injectTo: 'head-prepend' },
    ],
  };
}

// `--mode bench` (npm run bench) builds the same app with the development tools (src/dev/buildMode.ts)
// into dist/renderer-bench; the production bundle, dist/renderer, never carries them.
export default defineConfig(({ mode }) => ({
  root,
  base: './',
  plugins: [react(), classicScript(), builtCsp()],
  build: {
    outDir: mode === 'bench' ? '../dist/renderer-bench' : '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    modulePreload: false,
    cssCodeSplit: false,
    rollupOptions: {
      output: { format: 'iife' },
    },
  },
  server: { port: 5173, strictPort: false },
}));
