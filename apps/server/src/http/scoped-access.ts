import { AppError, type Principal } from '@adplatform/domain';
import { accessScopeOf } from '../modules/auth/access-scope.js';

/**
 * The routes a caller limited to some advertisers or publishers (ADR 0017) may
 * reach: those whose answers are confined to its limit — reports, and the
 * advertiser- and publisher-side resources (ResourceService filters them) —
 * plus its own account. Everything else (segments, demand partners, live
 * stats, users, keys, audit) is organization-wide and answers 403, so a new
 * route is closed to limited callers until someone scopes it and lists it here.
 */
const SCOPED_ROUTES: readonly RegExp[] = [
  /^\/api\/v1\/(me|me\/password|auth\/[a-z-]+)$/,
  /^\/api\/v1\/organizations\/:id$/,
  /^\/api\/v1\/reports$/,
  /^\/api\/v1\/(advertisers|campaigns|line-items|creatives|publishers|sites|placements)(\/.*)?$/,
];

export const isOpenToLimitedCallers = (routeUrl: string): boolean => SCOPED_ROUTES.some((pattern) => pattern.test(routeUrl));

/** 403 when a limited caller reaches for an organization-wide route. */
export function assertScopeAllowsRoute(principal: Principal, routeUrl: string | undefined): void {
  const scope = accessScopeOf(principal);
  if (!scope || (routeUrl !== undefined && isOpenToLimitedCallers(routeUrl))) return;
  throw new AppError(
    'FORBIDDEN',
    `A credential limited to some ${scope.side}s may not use this endpoint: it covers the whole organization`,
  );
}
