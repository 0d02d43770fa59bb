// What `npm run mutation` mutates: shared/'s pure helpers and the engine's parsing and analysis modules.
// `fast`: the subset `npm run mutation:fast` runs in one Stryker run, and `npm test` with it: what fits in about three
// minutes of CPU (measured: README, "Mutation score"). `alsoTests`: test files that exercise the module without
// importing it directly.
export const THRESHOLD = 85;

export const MUTATION_TARGETS = [
  { file: 'shared/perm.ts', fast: true },
  { file: 'shared/flags.ts' },
  { file: 'shared/delta.ts' },
  { file: 'shared/validate.ts' },
  { file: 'shared/redact.ts' },
  { file: 'shared/pinsText.ts' },
  { file: 'shared/userGroups.ts' },
  { file: 'electron/keyring/procKeys.ts' },
  { file: 'electron/keyring/keyUsers.ts' },
  // The walk moved to shared/ (the page uses it too); electron/keyring/possession.ts only re-exports it.
  { file: 'shared/possession.ts', alsoTests: ['electron/keyring/possession.test.ts'] },
  { file: 'electron/keyring/pins.ts' },
];
