// Builds the renderer into dist/renderer. base './' so the same bundle works from file://, app://
// and serve's http. One classic (non-module) script: Chromium refuses module scripts from file://
// (an opaque origin), and a single file needs no chunk loading at all.
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

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
 * The dev server injects inline scripts (React refresh) and <style> tags (CSS HMR) that the strict
 * CSP forbids; the CSP stays in the built page, where neither exists.
 */
function devWithoutCsp(): Plugin {
  return {
    name: 'keyring-browser:dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/, ''),
  };
}

export default defineConfig({
  root,
  base: './',
  plugins: [react(), classicScript(), devWithoutCsp()],
  build: {
    outDir: '../dist/renderer',
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
});
