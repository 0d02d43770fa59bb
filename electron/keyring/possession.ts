// The possession walk lives in shared/possession.ts: the engine computes this process's possession with it,
// and the page what an action as another user will possess (shared/actingUser.ts).
export * from '../../shared/possession';
