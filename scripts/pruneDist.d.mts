// Types for scripts/pruneDist.mjs, so its TypeScript test can import it.
export function staleOutputs(root?: string, dist?: string): string[];
