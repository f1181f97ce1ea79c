/**
 * Roles inside an organization. `owner` and `admin` manage the organization;
 * `advertiser` and `publisher` work on their side of the market; `analyst`
 * only reads.
 */
export const ROLES = ['owner', 'admin', 'advertiser', 'publisher', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

export const MANAGER_ROLES: readonly Role[] = ['owner', 'admin'];
export const ALL_ROLES: readonly Role[] = ROLES;

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * Whether a principal holding `granter` may hand out `role` (to a user or an
 * API key): nobody grants more than they hold, and only an owner makes owners.
 */
export function canGrantRole(granter: Role, role: Role): boolean {
  if (granter === 'owner') return true;
  if (granter === 'admin') return role !== 'owner';
  return false;
}
