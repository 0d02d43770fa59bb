// Every node-side test process joins its own anonymous session keyring before any test runs, so tests
// never see or touch each other's keys or the machine's. (vitest runs node tests in forked processes.)
import { joinSessionKeyring } from '../keyring/keyctl';

const joined = (globalThis as { __kbSessionKeyring?: number }).__kbSessionKeyring;
if (joined === undefined) {
  (globalThis as { __kbSessionKeyring?: number }).__kbSessionKeyring = joinSessionKeyring(null);
}
