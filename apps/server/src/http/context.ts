import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../modules/audit/audit-recorder.js';
import { principalOf } from './access.js';

/** The service-facing context of an authenticated request. */
export const contextOf = (request: FastifyRequest): RequestContext => ({ principal: principalOf(request), requestId: request.id });
