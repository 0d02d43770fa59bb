/** The kernel has no key management, or /proc/keys is missing: said in a sentence. */
export class KeyringsUnavailableError extends Error {
  override readonly name = 'KeyringsUnavailableError';
}
