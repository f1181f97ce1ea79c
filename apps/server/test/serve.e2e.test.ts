import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, CLI_TEST_TIMEOUT_MS, cliPath, repoRoot, spawnCli, startCli, stopAllCli } from './cli-server.helpers.js';

/**
 * The quick start as a user runs it: the real CLI in its own process, on a
 * free port, on a fresh data directory — embedded PGlite, then PostgreSQL.
 */
const cleanups: (() => Promise<void>)[] = [];
// What `npm start` runs: the bundle, rebuilt from the current sources.
beforeAll(buildCli, CLI_TEST_TIMEOUT_MS);
afterAll(async () => {
  await stopAllCli();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function walkThrough(url: string, credentials: { email: string; password: string }) {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${url}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'e2e', role: 'admin' }),
  });
  expect(created.status).toBe(201);
  const { key } = (await created.json()) as { key: string };
  const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${key}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ kind: 'api_key', role: 'admin', organization: { name: 'Platform' } });
}

describe('adplatform serve', () => {
  it('starts on embedded PGlite, writes initial-admin.json, serves the API, and stops cleanly on SIGTERM', {
    timeout: CLI_TEST_TIMEOUT_MS,
  }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-e2e-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const server = await startCli({ env: { ADPLATFORM_DATA_DIR: dataDir } });
    const admin = JSON.parse(await readFile(path.join(dataDir, 'initial-admin.json'), 'utf8'));
    expect(server.output()).not.toContain(admin.password);
    await walkThrough(server.url, admin);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output()).toContain('shutting down');
  });

  it('starts on PostgreSQL when DATABASE_URL is set', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const name = `adplatform_e2e_${Date.now()}`;
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-e2e-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const credentials = { email: 'ops@example.com', password: 'e2e-operator-password' };
    const server = await startCli({
      env: {
        ADPLATFORM_DATA_DIR: dataDir,
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`,
        ADPLATFORM_ADMIN_EMAIL: credentials.email,
        ADPLATFORM_ADMIN_PASSWORD: credentials.password,
      },
    });
    await walkThrough(server.url, credentials);
    const readyz = (await (await fetch(`${server.url}/readyz`)).json()) as { checks: { metadata: { kind: string } } };
    expect(readyz.checks.metadata.kind).toBe('postgres');
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('adplatform migrate applies the schema to a fresh data directory and exits', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-e2e-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const output = execFileSync(process.execPath, [cliPath, 'migrate'], {
      cwd: repoRoot,
      env: { ...process.env, ADPLATFORM_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(output).toContain('migrations applied (pglite)');
    const { createMetadataStore } = await import('@adplatform/adapter-sql');
    const store = await createMetadataStore({ dataDir, migrate: false });
    expect(await store.organizations.count()).toBe(0); // the schema exists; nothing was seeded
    await store.close();
  });

  it('refuses to start on bad configuration, naming every bad variable', { timeout: CLI_TEST_TIMEOUT_MS }, async () => {
    const cli = spawnCli(['serve'], { ADPLATFORM_PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(await cli.exited).toBe(78);
    expect(cli.stderr()).toContain('ADPLATFORM_PORT');
    expect(cli.stderr()).toContain('DATABASE_URL');
  });
});
