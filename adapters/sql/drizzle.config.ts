import { defineConfig } from 'drizzle-kit';

// One migration set for PGlite and PostgreSQL: `npm run db:generate -w @adplatform/adapter-sql`.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/schema.ts', './src/schema-resources.ts'],
  out: './drizzle',
});
