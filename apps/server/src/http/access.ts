import { AppError, type Principal, type Role } from '@adplatform/domain';
import type { RateLimiter } from '@adplatform/ports';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AuthService } from '../modules/auth/auth.service.js';
import { csrfTokenFor, safeEqual } from '../modules/auth/tokens.js';
import { enforceRateLimit } from './rate-limit.js';
import { assertScopeAllowsRoute } from './scoped-access.js';

/**
 * Every route declares who may call it in `config.access`; a route without a
 * policy fails at registration, so nothing is open by accident.
 * - `{ public: true }`: anyone.
 * - `{ roles: 'any' }`: any signed-in user or API key of any role.
 * - `{ roles: [...] }`: those roles only. `platformAdmin: true` additionally requires the operator flag.
 * - `orIf`: a caller the route lets in without such a principal (the metrics scraper: loopback or a
 *   bearer token, ADR 0020); asked after authentication, so a key or session still sets the principal.
 */
export type Access =
  | { public: true }
  | { roles: 'any' | readonly Role[]; platformAdmin?: boolean; orIf?: (request: FastifyRequest) => boolean };

/** A registered route and its policy; the authorization test walks this list. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: readonly RouteEntry[];
  }
  interface FastifyContextConfig {
    access?: Access;
    /** false exempts the route from rate limiting (health checks, metrics). */
    rateLimit?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the principal came from the session cookie, for logout and CSRF. */
    sessionToken: string | null;
  }
}

export const SESSION_COOKIE = 'adp_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The principal of an authenticated route (the access hook has run). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key');
  return request.principal;
}

/**
 * One onRequest hook, in this order: authenticate (API key or session cookie),
 * rate-limit (per principal, else per IP, so failed guesses are limited too),
 * then authorize against the route's policy and check CSRF.
 */
async function accessPlugin(app: FastifyInstance, opts: { auth: AuthService; limiter: RateLimiter }): Promise<void> {
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);

  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    // The API reference page's assets come from a third-party plugin: public by nature.
    if (route.url === '/docs' || route.url.startsWith('/docs/')) route.config = { ...route.config, access: { public: true } };
    const policy = route.config?.access;
    if (!policy) throw new Error(`route ${route.method} ${route.url} declares no access policy`);
    for (const method of [route.method].flat()) catalog.push({ method, url: route.url, access: policy });
  });

  // A callback hook, not an async one: a request without credentials (every ad request and tracking hit)
  // passes without a promise or a microtask; only a key or a session cookie takes the async path.
  app.addHook('onRequest', (request, reply, done) => {
    if (!hasCredentials(request)) {
      checkThen(request, reply, opts.limiter, done);
      return;
    }
    authenticate(request, opts.auth).then(
      () => checkThen(request, reply, opts.limiter, done),
      (err: unknown) => done(err as Error),
    );
  });
}

/** `check`, then the hook's callback: with its error when the request is refused. */
function checkThen(request: FastifyRequest, reply: FastifyReply, limiter: RateLimiter, done: (err?: Error) => void): void {
  try {
    check(request, reply, limiter);
  } catch (err) {
    done(err as Error);
    return;
  }
  done();
}

/** Rate limit (unless the route opts out), then the route's policy. */
function check(request: FastifyRequest, reply: FastifyReply, limiter: RateLimiter): void {
  const config = request.routeOptions.config ?? {};
  if (config.rateLimit !== false) enforceRateLimit(request, reply, limiter);
  const access = config.access;
  if (!access || 'public' in access || access.orIf?.(request)) return;
  authorize(request, access);
}

const hasCredentials = (request: FastifyRequest): boolean =>
  request.headers.authorization?.startsWith('Bearer ') === true || request.cookies[SESSION_COOKIE] !== undefined;

async function authenticate(request: FastifyRequest, auth: AuthService): Promise<void> {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    request.principal = (await auth.authenticateApiKey(authorization.slice(7).trim())) ?? null;
  } else {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      request.principal = (await auth.authenticateSession(token)) ?? null;
      if (request.principal) request.sessionToken = token;
    }
  }
}

function authorize(request: FastifyRequest, access: Exclude<Access, { public: true }>): void {
  const principal = request.principal;
  if (!principal) {
    const sent = Boolean(request.headers.authorization || request.cookies[SESSION_COOKIE]);
    throw new AppError('UNAUTHENTICATED', sent ? 'The API key or session is invalid, revoked or expired' : 'Sign in or send an API key');
  }
  if (request.sessionToken && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !safeEqual(sent, csrfTokenFor(request.sessionToken))) {
      throw new AppError('CSRF_TOKEN_INVALID', `Cookie-authenticated changes need the ${CSRF_HEADER} header returned at sign-in`);
    }
  }
  if (access.platformAdmin && !principal.isPlatformAdmin) throw new AppError('FORBIDDEN', 'Only the platform operator may do this');
  if (access.roles !== 'any' && !access.roles.includes(principal.role)) {
    throw new AppError('FORBIDDEN', `The ${principal.role} role may not do this`);
  }
  assertScopeAllowsRoute(principal, request.routeOptions.url);
}

export const access = fp(accessPlugin, { name: 'adplatform-access', dependencies: ['@fastify/cookie'] });
