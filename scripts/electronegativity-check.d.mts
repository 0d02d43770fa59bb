// Types for scripts/electronegativity-check.mjs, so its TypeScript test can import it.
export interface Finding {
  check: string;
  file: string;
  line: number;
  message: string;
}
export interface AllowEntry {
  check: string;
  file: string;
  why: string;
}
export function findingsFromSarif(sarif: unknown): Finding[];
export function compareWithAllowlist(
  findings: Finding[],
  allowlist: { allow?: Partial<AllowEntry>[] },
): { unjustified: Finding[]; malformed: Partial<AllowEntry>[]; stale: AllowEntry[] };
