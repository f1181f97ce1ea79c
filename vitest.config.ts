import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite and the server tests are CPU-heavy; two cores, two workers.
    maxWorkers: 2,
    reporters: ['default', './tooling/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['{packages,adapters,apps}/*/src/**/*.test.ts', '{packages,adapters,apps}/*/test/**/*.test.ts', 'tooling/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'apps/dashboard/**'],
          environment: 'node',
        },
      },
      {
        // The dashboard's component tests: Solid's JSX compiled by its Vite plugin, a DOM from happy-dom.
        extends: true,
        plugins: [solid()],
        test: {
          name: 'dashboard',
          include: ['apps/dashboard/src/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          // The router ships .jsx: compile it with the app instead of importing it raw.
          server: { deps: { inline: [/@solidjs\/router/] } },
        },
      },
    ],
  },
});
