// Bundles the `adplatform` command (CLI + server + workspace packages, all
// TypeScript) into apps/cli/dist/adplatform.mjs. Third-party packages stay
// external and load from node_modules. Running the bundle instead of the
// sources through tsx's loader roughly halves start-up (see docs/adr/0002).
import { build } from 'esbuild';

const started = performance.now();
await build({
  entryPoints: [new URL('../apps/cli/src/main.ts', import.meta.url).pathname],
  outfile: new URL('../apps/cli/dist/adplatform.mjs', import.meta.url).pathname,
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
