// The entry bin/keyring-browser loads for `snapshot`, as one file: scripts/bundleCli.mjs bundles it with what it
// imports into dist/electron/cli/oneShot.bundle.js, so a one-shot process resolves and reads one file rather than
// ~50 (its own start is a good part of a `snapshot --json`). prestart() comes first and loads only the reader's
// modules, so /proc/keys is being read on the pool thread while main() loads the rest.
// What main() loads lazily for other commands (`await import('./x.js')`, and the HTTP stack) stays in its own
// files; bin/keyring-browser uses this entry only for `snapshot`, so no module is ever loaded twice.
import { prestartedReadQueued } from '../threads/prestart';

export { prestart } from '../threads/prestart';

export async function main(argv: string[]): Promise<number> {
  // The pool thread reads /proc/keys only once this thread has taken its opens' answers from the event loop (a
  // fraction of a millisecond after prestart): without this wait, the read would start only after the rest of the
  // CLI had loaded, and the scan would wait for it.
  await prestartedReadQueued();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./main') as typeof import('./main')).main(argv);
}
