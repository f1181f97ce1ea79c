import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rules of STYLE.md, enforced: apps → packages, adapters;
 * adapters → ports, domain; drivers only inside their adapter; only the config
 * package reads process.env.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = ['packages', 'adapters', 'apps'].flatMap((group) =>
  readdirSync(path.join(root, group)).map((name) => ({ group, name, dir: path.join(root, group, name) })),
);

const allowedInternal: Record<string, (dep: string) => boolean> = {
  'packages/domain': () => false,
  'packages/config': () => false,
  'packages/ports': (dep) => dep === '@adplatform/domain',
  'packages/decision-core': (dep) => dep === '@adplatform/domain' || dep === '@adplatform/openrtb',
  'packages/openrtb': (dep) => dep === '@adplatform/domain',
  adapters: (dep) => dep === '@adplatform/domain' || dep === '@adplatform/ports',
  // The CLI's `serve` command starts the server in-process; no other app imports an app.
  'apps/cli': (dep) => dep !== '@adplatform/dashboard',
  apps: (dep) => !['@adplatform/server', '@adplatform/cli', '@adplatform/dashboard'].includes(dep),
};
const DRIVERS = [
  'pg',
  '@electric-sql/pglite',
  'ioredis',
  '@nats-io/transport-node',
  '@nats-io/jetstream',
  '@clickhouse/client',
  '@duckdb/node-api',
  '@aws-sdk/client-s3',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry) ? [full] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'([\w@][\w@/.-]*)'/g)].map((m) => m[1] as string);
const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);

describe('architecture', () => {
  for (const ws of workspaces) {
    const key = `${ws.group}/${ws.name}`;
    const manifest = JSON.parse(readFileSync(path.join(ws.dir, 'package.json'), 'utf8'));
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
    const rule = allowedInternal[key] ?? allowedInternal[ws.group] ?? (() => true);
    const files = sourceFiles(path.join(ws.dir, 'src'));

    it(`${key} depends only in the allowed direction`, () => {
      const internal = [...declared].filter((dep) => dep.startsWith('@adplatform/'));
      expect(internal.filter((dep) => !rule(dep))).toEqual([]);
    });

    it(`${key} imports only what it declares`, () => {
      const undeclared = files.flatMap((file) =>
        importsOf(file)
          .filter((spec) => !spec.startsWith('node:') && !['vitest', 'fast-check'].includes(packageOf(spec)))
          .filter((spec) => !declared.has(packageOf(spec)) && packageOf(spec) !== manifest.name)
          .map((spec) => `${path.relative(root, file)}: ${spec}`),
      );
      expect(undeclared).toEqual([]);
    });

    if (ws.group !== 'adapters') {
      it(`${key} uses no storage driver directly`, () => {
        const drivers = files
          .filter((file) => !file.endsWith('.test.ts'))
          .flatMap((file) =>
            importsOf(file)
              .filter((spec) => DRIVERS.includes(packageOf(spec)))
              .map((spec) => `${path.relative(root, file)}: ${spec}`),
          );
        expect(drivers).toEqual([]);
      });
    }

    if (key !== 'packages/config') {
      it(`${key} does not read process.env (only the config package does)`, () => {
        const readers = files.filter((file) => !/\.test\.ts$/.test(file) && /process\.env\b/.test(readFileSync(file, 'utf8')));
        expect(readers.map((file) => path.relative(root, file))).toEqual([]);
      });
    }
  }
});
