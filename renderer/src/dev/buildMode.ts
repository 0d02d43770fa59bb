// Whether this bundle carries the development tools: the generated-keys demo API (`?fake=…`, dev/fakeApi.ts)
// and the in-page measurements of `npm run bench` (bench.ts, graph/bench.ts). Only the dev server and the
// bench build (`vite build --mode bench`, into dist/renderer-bench) do; in the production bundle Vite
// replaces this with `false`, and the code behind it, with what only it imports, is left out.
// (`npm run package:check` checks that the packaged renderer has none of it.)
export const DEV_TOOLS: boolean = import.meta.env.DEV || import.meta.env.MODE === 'bench';
