import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

// Built files land in dist/ and are served by the server at `/`. Hashed bundles go under /ui/
// (never /assets/, which is the creative asset route) and are cached as immutable.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [solid()],
  build: {
    outDir: 'dist',
    assetsDir: 'ui',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    // The solid transform dominates a cold build; the timing report is noise in npm start.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    // `npx vite` in apps/dashboard for hot reload against a running server on 8080.
    proxy: Object.fromEntries(['/api', '/v1', '/t', '/assets', '/readyz', '/healthz'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
