import { fileURLToPath } from 'node:url';

/** The SQL migrations drizzle-kit generates from schema.ts; one set for both engines. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../drizzle', import.meta.url));
