// Bundles the `adplatform` command (CLI + server + workspace packages, all
// TypeScript) into apps/cli/dist/adplatform.mjs. Third-party packages stay
// external and load from node_modules. Running the bundle instead of the
// sources through tsx's loader roughly halves start-up (see docs/adr/0002).
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { build } from 'esbuild';

const started = performance.now();
// The worker entries (DuckDB analytics, /t/events parsing) and the modules a worker loads by URL are built beside the
// bundle, where their users look for them.
const entries = {
  adplatform: '../apps/cli/src/main.ts',
  'duckdb-analytics-worker': '../adapters/duckdb/src/duckdb-analytics-worker.ts',
  'events-ingest-worker': '../apps/server/src/delivery/tracking/events-ingest-worker.ts',
  // Loaded by the DuckDB worker by URL to decode the local log's ranges (ADR 0025).
  'local-log-range-decoder': '../adapters/local-log/src/range-decoder.ts',
};
await build({
  entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, new URL(file, import.meta.url).pathname])),
  outdir: new URL('../apps/cli/dist', import.meta.url).pathname,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __adpCreateRequire } from 'node:module'; const require = __adpCreateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'externalize-third-party',
      setup(b) {
        // Bare specifiers outside the workspace are loaded at run time from node_modules.
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@adplatform/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
if (!process.argv.includes('--quiet')) console.log(`built apps/cli/dist/adplatform.mjs in ${Math.round(performance.now() - started)} ms`);

await buildDashboard();

/**
 * The dashboard (apps/dashboard → apps/dashboard/dist, served at `/`), with
 * Vite. Skipped when dist is newer than every source file, so a restart costs
 * nothing. Built into a directory of its own, then swapped in, so two builds
 * at once (parallel tests) never serve a half-written dist.
 */
async function buildDashboard() {
  if (process.argv.includes('--no-dashboard')) return;
  const root = new URL('../apps/dashboard/', import.meta.url).pathname;
  const dist = `${root}dist`;
  const newest = (path) => {
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return Math.max(0, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
  };
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => `${root}${p}`).filter(existsSync);
  if (existsSync(`${dist}/index.html`) && statSync(`${dist}/index.html`).mtimeMs > Math.max(...sources.map(newest))) return;
  const startedAt = performance.now();
  const { build: viteBuild } = await import('vite');
  const outDir = `${root}dist-${process.pid}`;
  await viteBuild({ root, configFile: `${root}vite.config.ts`, logLevel: 'warn', build: { outDir } });
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(outDir, dist);
  } catch {
    rmSync(outDir, { recursive: true, force: true });
  }
  if (!process.argv.includes('--quiet')) console.log(`built apps/dashboard/dist in ${Math.round(performance.now() - startedAt)} ms`);
}
