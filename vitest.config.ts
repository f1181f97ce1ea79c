import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{packages,adapters,apps}/*/src/**/*.test.ts', '{packages,adapters,apps}/*/test/**/*.test.ts', 'tooling/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite and the server tests are CPU-heavy; two cores, two workers.
    maxWorkers: 2,
    reporters: ['default', './tooling/summary-reporter.ts'],
  },
});
