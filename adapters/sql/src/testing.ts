import { randomBytes } from 'node:crypto';
import type { MetadataStore } from '@adplatform/ports';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migratePglite, openPgliteMetadataStore } from './pglite-metadata-store.js';
import { createPostgresMetadataStore } from './postgres-metadata-store.js';

/**
 * Stores for tests. Each call returns a fresh, migrated, empty database that
 * nothing else sees; closing the store disposes of it.
 */

let migratedDataDir: Promise<Blob> | undefined;

/**
 * A migrated PGlite data directory as a tarball, built once per process: a cold
 * PGlite start runs initdb in WASM (seconds), loading a dump takes about half a
 * second. Uncompressed, because gunzip would cost more than it saves.
 */
function loadMigratedDataDir(): Promise<Blob> {
  if (!migratedDataDir) {
    migratedDataDir = dumpMigratedDataDir();
    // A failed attempt is not remembered, so the next test tries again.
    migratedDataDir.catch(() => {
      migratedDataDir = undefined;
    });
  }
  return migratedDataDir;
}

async function dumpMigratedDataDir(): Promise<Blob> {
  const client = await PGlite.create();
  try {
    await migratePglite(client);
    return await client.dumpDataDir('none');
  } finally {
    await client.close();
  }
}

/** An in-memory PGlite store, started from the process-wide migrated dump. */
export async function createTestPgliteStore(): Promise<MetadataStore> {
  const client = await PGlite.create({ loadDataDir: await loadMigratedDataDir() });
  return openPgliteMetadataStore(client, { migrate: false });
}

export interface TestPostgresOptions {
  /** A database on the server to run CREATE/DROP DATABASE from. */
  adminUrl?: string;
}

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A store on its own database, with that database's name and URL (for a child process, say). */
export type TestPostgresStore = MetadataStore & { readonly database: string; readonly url: string };

/** A store on a new database `adplatform_test_<random>`, dropped when the store closes. */
export async function createTestPostgresStore(options: TestPostgresOptions = {}): Promise<TestPostgresStore> {
  const adminUrl = options.adminUrl ?? DEFAULT_TEST_POSTGRES_URL;
  const database = `adplatform_test_${randomBytes(8).toString('hex')}`;
  await runAdminStatement(adminUrl, `create database ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dropDatabase = () => runAdminStatement(adminUrl, `drop database if exists ${database} with (force)`);
  let store: MetadataStore;
  try {
    store = await createPostgresMetadataStore({ url: url.toString(), poolMax: 4 });
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = async () => {
    await store.close();
    await dropDatabase();
  };
  return {
    ...store,
    database,
    url: url.toString(),
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

async function runAdminStatement(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
