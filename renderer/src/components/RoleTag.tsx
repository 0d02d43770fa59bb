import type { KeyRole } from '../../../shared/keyRoles';

/** The role icon: a short tag ("KRB", "NFS") coloured by family, its sentence as the tooltip. */
export function RoleTag({ role }: { role: KeyRole | Record<string, never> | null }) {
  if (role === null || !('id' in role)) return null;
  return (
    <span className={`role-tag role-${role.family}`} title={`${role.label}: ${role.sentence}`} data-role={role.id}>
      {role.tag}
    </span>
  );
}
