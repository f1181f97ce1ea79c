import { AppError, type ErrorCode, type FieldIssue } from '@adplatform/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';

/** The one mapping from error codes to HTTP. */
export const PROBLEM_STATUS: Record<ErrorCode, { status: number; title: string }> = {
  VALIDATION_FAILED: { status: 400, title: 'The request is invalid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  BODY_TOO_LARGE: { status: 413, title: 'The body is too large' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid credentials' },
  CSRF_TOKEN_INVALID: { status: 403, title: 'Missing or invalid CSRF token' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  LAST_OWNER: { status: 409, title: 'An organization keeps at least one owner' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  LOGIN_THROTTLED: { status: 429, title: 'Too many failed sign-in attempts' },
  INVITE_INVALID: { status: 400, title: 'Invalid or expired invitation' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
};

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable machine-readable error code (docs/errors.md).' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

export const problemType = (code: ErrorCode): string => `urn:adplatform:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/** The RFC 9457 problem+json body of an AppError, for a request's URL and id (also the decisions fast path's). */
export function problemBody(error: AppError, url: string, requestId: string): Record<string, unknown> & { status: number } {
  const { status, title } = PROBLEM_STATUS[error.code];
  const body: Record<string, unknown> & { status: number } = {
    type: problemType(error.code),
    title,
    status,
    code: error.code,
    detail: error.message,
    instance: url.split('?')[0],
    requestId,
  };
  if (error.details?.issues) body.errors = error.details.issues;
  return body;
}

/** Sends an RFC 9457 problem+json body for an AppError. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const body = problemBody(error, request.url, request.id);
  if (error.details?.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.details.retryAfterSeconds));
  return reply.status(body.status).type('application/problem+json; charset=utf-8').send(body);
}

/** Turns any thrown value into an AppError: ours pass through, Fastify's are translated, the rest are 500s. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as Partial<FastifyError> & { validation?: unknown[] };
  if (Array.isArray(fastifyError.validation)) {
    const issues = (fastifyError.validation as AjvIssue[]).map((issue) => toFieldIssue(issue, fastifyError.validationContext ?? 'body'));
    return new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path} ${i.message}`).join('; '), { issues });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 'The request body exceeds the size limit', {
        issues: [{ path: 'body', message: 'is too large' }],
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', {
        issues: [{ path: 'headers.content-type', message: 'must be application/json' }],
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The JSON body is empty', { issues: [{ path: 'body', message: 'must not be empty' }] });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('MALFORMED_JSON', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'is not valid JSON' }] });
  }
  if (error instanceof SyntaxError) {
    return new AppError('MALFORMED_JSON', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'is not valid JSON' }] });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 404) return new AppError('NOT_FOUND', 'Not found');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', fastifyError.message ?? 'Unsupported content type');
  if (status === 413) return new AppError('BODY_TOO_LARGE', 'The request body exceeds the size limit');
  if (status === 429) return new AppError('RATE_LIMITED', 'Too many requests');
  if (status >= 400 && status < 500) {
    return new AppError('VALIDATION_FAILED', fastifyError.message ?? 'The request is invalid', {
      issues: [{ path: 'request', message: fastifyError.message ?? 'is invalid' }],
    });
  }
  return new AppError('INTERNAL', 'An unexpected error occurred; the request id identifies it in the logs');
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function toFieldIssue(issue: AjvIssue, context: string): FieldIssue {
  const segments = issue.instancePath.split('/').filter(Boolean).map(decodePointer);
  let message = issue.message ?? 'is invalid';
  if (issue.keyword === 'required') {
    segments.push(String(issue.params.missingProperty));
    message = 'is required';
  } else if (issue.keyword === 'additionalProperties') {
    segments.push(String(issue.params.additionalProperty));
    message = 'is not a known field';
  } else if (issue.keyword === 'enum') {
    message = `must be one of ${(issue.params.allowedValues as unknown[]).join(', ')}`;
  }
  const path = [context, ...segments].reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : `${acc}.${seg}`));
  return { path, message };
}

const decodePointer = (segment: string): string => segment.replaceAll('~1', '/').replaceAll('~0', '~');
