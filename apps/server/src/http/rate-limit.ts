import { AppError } from '@adplatform/domain';
import type { RateLimiter } from '@adplatform/ports';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Token-bucket limit per caller: per API key or user when authenticated, per
 * client IP otherwise, so a valid key is never starved by neighbours on one IP.
 */
export function enforceRateLimit(request: FastifyRequest, reply: FastifyReply, limiter: RateLimiter): void {
  const key = request.principal ? `${request.principal.kind}:${request.principal.id}` : `ip:${request.ip}`;
  const decision = limiter.take(key);
  reply.header('ratelimit-remaining', String(decision.remaining));
  if (!decision.allowed) {
    throw new AppError('RATE_LIMITED', 'Too many requests; slow down', {
      retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
    });
  }
}
