// Key roles (shared/keyRoles.ts) for the views, memoised per tree structure: a role depends on a key's type
// and description and on the keyrings holding it, so it is worked out once per structure (not again for a
// delta that changes none of those) and only for the keys that are drawn or searched.
import { keyRole, roleSearchText, type KeyRole } from '../../../shared/keyRoles';
import type { KbState } from '../store';
import { structureOf, type TreeModel } from './model';
import { selectTreeModel } from './useTreeRows';

const byStructure = new WeakMap<object, Map<number, KeyRole | null>>();

export function roleOf(model: TreeModel, id: number): KeyRole | null {
  const token = structureOf(model);
  let roles = byStructure.get(token);
  if (roles === undefined) byStructure.set(token, (roles = new Map()));
  let role = roles.get(id);
  if (role === undefined) {
    const key = model.keys.get(id);
    role = key === undefined ? null : keyRole(key, model);
    roles.set(id, role);
  }
  return role;
}

/** What search matches a role by (its label and terms, lower case); '' for none. */
export function roleText(model: TreeModel, id: number): string {
  const role = roleOf(model, id);
  return role === null ? '' : roleSearchText(role);
}

/** A store selector: the role of key `id` in the store's current tree ({} when none, for useShallow). */
export function keyRoleIn(s: Pick<KbState, 'keys' | 'meta'>, id: number): KeyRole | Record<string, never> {
  const model = selectTreeModel(s);
  return (model === null ? null : roleOf(model, id)) ?? NO_ROLE;
}

const NO_ROLE: Record<string, never> = {};
