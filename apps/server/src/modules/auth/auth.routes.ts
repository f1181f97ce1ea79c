import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { principalOf, SESSION_COOKIE } from '../../http/access.js';
import { contextOf } from '../../http/context.js';
import { UserView } from '../users/users.schemas.js';
import { AcceptInviteBody, ChangePasswordBody, LoginBody, LoginResponse, MeResponse } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { csrfTokenFor } from './tokens.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  cookieSecure: 'auto' | 'true' | 'false';
}

const tags = ['auth'];
const anyone = { public: true } as const;
const signedIn = { roles: 'any' } as const;

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth, cookieSecure }) => {
  const secure = (request: FastifyRequest) => (cookieSecure === 'auto' ? request.protocol === 'https' : cookieSecure === 'true');
  const clearSession = (request: FastifyRequest, reply: FastifyReply) =>
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secure(request) });

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: anyone },
      schema: { tags, summary: 'Sign in; sets the session cookie', body: LoginBody, response: { 200: LoginResponse } },
    },
    async (request, reply) => {
      const result = await auth.login(request.body, { ip: request.ip, requestId: request.id });
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: secure(request),
        expires: result.expiresAt,
      });
      return { user: result.user, csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: signedIn }, schema: { tags, summary: 'Sign out; ends the session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      await auth.logout(principalOf(request), request.id);
      clearSession(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/accept-invite',
    {
      config: { access: anyone },
      schema: { tags, summary: 'Set a password with an invitation token', body: AcceptInviteBody, response: { 200: UserView } },
    },
    (request) => auth.acceptInvite(request.body, request.id),
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: signedIn },
      schema: { tags, summary: 'Who am I: the caller, its organization and role', response: { 200: MeResponse } },
    },
    async (request) => {
      const principal = principalOf(request);
      const found = await auth.whoami(principal);
      return {
        kind: principal.kind,
        role: principal.role,
        isPlatformAdmin: principal.isPlatformAdmin,
        ...found,
        ...(request.sessionToken ? { csrfToken: csrfTokenFor(request.sessionToken) } : {}),
      };
    },
  );

  app.post(
    '/api/v1/me/password',
    {
      config: { access: signedIn },
      schema: { tags, summary: 'Change your password (ends your sessions)', body: ChangePasswordBody, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await auth.changePassword(principalOf(request), request.body, contextOf(request).requestId);
      clearSession(request, reply);
      return reply.status(204).send(null);
    },
  );
};
