import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@adplatform/config';
import { describe, expect, it } from 'vitest';
import { createDeps } from '../src/deps.js';

describe('createDeps', () => {
  it('refuses a malformed S3_URL as a config error naming it, before opening any store, without the secret', async () => {
    const config = loadConfig({ S3_URL: 's3://key:hunter2@minio.internal:9000', ADPLATFORM_DATA_DIR: '/nonexistent/adp' });
    const error = await createDeps(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([{ variable: 'S3_URL', message: expect.stringMatching(/^names no bucket/) }]);
    expect((error as ConfigError).message).not.toContain('hunter2');
  });

  it('keeps the counters in process without REDIS_URL, and in Redis with it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-deps-'));
    try {
      for (const [env, kind] of [
        [{}, 'memory'],
        [{ REDIS_URL: 'redis://127.0.0.1:6379' }, 'redis'],
      ] as const) {
        const deps = await createDeps(loadConfig({ ...env, ADPLATFORM_DATA_DIR: dataDir }));
        try {
          expect(deps.counters.kind).toBe(kind);
          await expect(deps.counters.ping()).resolves.toBeUndefined();
        } finally {
          await deps.counters.close();
          await deps.store.close();
          await deps.eventLog.close();
          await deps.analytics?.close();
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('puts the event log on NATS JetStream when NATS_URL is set', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'adp-deps-'));
    // The default stream ADPLATFORM_EVENTS on the local server: created when missing, nothing appended here.
    const deps = await createDeps(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', ADPLATFORM_DATA_DIR: dataDir }));
    try {
      expect(deps.eventLog.kind).toBe('nats');
      expect(await deps.eventLog.read(0, 0)).toEqual({ events: [], next: expect.any(Number) });
    } finally {
      await deps.eventLog.close();
      await deps.counters.close();
      await deps.store.close();
      await deps.analytics?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
