const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` can be compared with a uuid column. Ids come from URLs, so a
 * malformed one must read as "not found" instead of Postgres error 22P02.
 */
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

interface PgErrorFields {
  code: string;
  constraint?: unknown;
}

/**
 * The server's error behind a failed query. node-postgres and PGlite both put
 * `code` (SQLSTATE) and `constraint` on their error; drizzle 0.45 wraps that
 * error in a DrizzleQueryError and keeps it as `cause`.
 */
function findPgError(error: unknown): PgErrorFields | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current as PgErrorFields;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** True for a unique violation (23505), of `constraint` when one is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pgError = findPgError(error);
  if (pgError?.code !== '23505') return false;
  return constraint === undefined || pgError.constraint === constraint;
}
