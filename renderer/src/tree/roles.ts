// Key roles (shared/keyRoles.ts) for the views, memoised per tree model: a role depends on the keyrings
// holding a key, so it is worked out once per snapshot and only for the keys that are drawn or searched.
import { keyRole, roleSearchText, type KeyRole } from '../../../shared/keyRoles';
import type { KbState } from '../store';
import type { TreeModel } from './model';
import { selectTreeModel } from './useTreeRows';

const byModel = new WeakMap<TreeModel, Map<number, KeyRole | null>>();

export function roleOf(model: TreeModel, id: number): KeyRole | null {
  let roles = byModel.get(model);
  if (roles === undefined) byModel.set(model, (roles = new Map()));
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
