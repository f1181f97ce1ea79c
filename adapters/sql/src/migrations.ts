import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The SQL migrations drizzle-kit generates from schema.ts; one set for both engines.
 * Found through the package name rather than this file's location, so it holds
 * both for the sources and for the bundled CLI in apps/cli/dist.
 */
export const MIGRATIONS_FOLDER = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@adplatform/adapter-sql/package.json')),
  'drizzle',
);
