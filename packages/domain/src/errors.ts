/**
 * Every error the platform raises, as a code. Codes are data: exactly one place
 * (apps/server/src/http/problem.ts) maps them to HTTP statuses, and
 * docs/errors.md documents each one (a test keeps the two in sync).
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'CSRF_TOKEN_INVALID',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'LAST_OWNER',
  'RATE_LIMITED',
  'LOGIN_THROTTLED',
  'INVITE_INVALID',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One offending input: `path` names the field (e.g. `body.owner.email`). */
export interface FieldIssue {
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: { issues?: FieldIssue[]; retryAfterSeconds?: number; [key: string]: unknown },
  ) {
    super(message);
  }
}

export const isAppError = (value: unknown): value is AppError => value instanceof AppError;

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

export const invalidField = (path: string, message: string): AppError =>
  new AppError('VALIDATION_FAILED', `${path} ${message}`, { issues: [{ path, message }] });
