// Types for scripts/packageCheck.mjs, so its TypeScript test can import it.
export function makeStandInElectron(dir: string, version: string): string;
export function missingRequires(entry: string, root: string): string[];
export function desktopEntryFields(text: string): Record<string, string>;
export function configuredDesktopEntry(yml: string): Record<string, string>;
export function configuredLinuxList(yml: string, key: string): string[];
export function checkPackage(appDir: string): { ok: boolean; what: string }[];
