// How the benchmarks build and launch the two servers they compare.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type ChildServer, startPinned } from './children.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = 'apps/cli/dist/adplatform.mjs';
const BASELINE = 'bench/dist/baseline-server.mjs';
const FLOOR = 'bench/dist/floor-server.mjs';
export const LISTENING = {
  baseline: /"baseline is listening"/,
  floor: /"floor is listening"/,
  adplatform: /"AdPlatform is listening"/,
} as const;
/** AdPlatform's first log line: its code is loaded, the stores are not open yet. */
export const STARTING = /"AdPlatform is starting/;

/**
 * `node tooling/build.mjs --quiet` (the bundle `npm start` runs), and the
 * baseline compiled the same way (esbuild, dependencies external), so neither
 * server runs through a TypeScript loader.
 */
export async function buildServers(): Promise<void> {
  const bundle = spawnSync(process.execPath, ['tooling/build.mjs', '--quiet'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (bundle.status !== 0) throw new Error(`tooling/build.mjs failed (exit ${bundle.status})`);
  await Promise.all([buildBenchServer('baseline-server', BASELINE), buildBenchServer('floor-server', FLOOR)]);
}

/** A bench server compiled like the bundle (esbuild, dependencies external), so it runs without a TypeScript loader. */
async function buildBenchServer(name: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [`${REPO_ROOT}bench/src/${name}.ts`],
    outfile: `${REPO_ROOT}${outfile}`,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}

/**
 * The inherited environment without AdPlatform's own variables, so a stray
 * DATABASE_URL or ADPLATFORM_* in the shell cannot change what is measured:
 * the embedded default (PGlite metadata, in-memory rate limits).
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const ours = /^(ADPLATFORM_|DATABASE_URL$|REDIS_URL$|NATS_URL$|CLICKHOUSE_URL$|S3_URL$)/;
  for (const [key, value] of Object.entries(process.env)) if (!ours.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** The bare Fastify hello-world (bench/src/baseline-server.ts, built by buildServers); port 0 picks a free one. */
export const launchBaseline = (options: { cpu: string; port: number }): ChildServer => launchBenchServer('baseline', BASELINE, options);

/** The floor under the HTTP goals (bench/src/floor-server.ts, built by buildServers); port 0 picks a free one. */
export const launchFloor = (options: { cpu: string; port: number }): ChildServer => launchBenchServer('floor', FLOOR, options);

function launchBenchServer(name: string, file: string, options: { cpu: string; port: number }): ChildServer {
  return startPinned({
    name,
    cpu: options.cpu,
    command: process.execPath,
    args: [file],
    env: cleanEnv({ BENCH_PORT: String(options.port) }),
    cwd: REPO_ROOT,
  });
}

/** `node apps/cli/dist/adplatform.mjs serve`, exactly as `npm start` runs it after the build. */
export function launchAdPlatform(options: { cpu: string; port: number; dataDir: string; logLevel: string }): ChildServer {
  return startPinned({
    name: 'adplatform',
    cpu: options.cpu,
    command: process.execPath,
    args: [BUNDLE, 'serve'],
    env: cleanEnv({
      ADPLATFORM_PORT: String(options.port),
      ADPLATFORM_HOST: '127.0.0.1',
      ADPLATFORM_DATA_DIR: options.dataDir,
      ADPLATFORM_LOG_LEVEL: options.logLevel,
    }),
    cwd: REPO_ROOT,
  });
}
