import path from 'node:path';
import { createFsBlobStore } from '@adplatform/adapter-blobs-fs';
import { createMemoryChangeBus, createMemoryRateLimiter } from '@adplatform/adapter-memory';
import { createMetadataStore } from '@adplatform/adapter-sql';
import type { Config } from '@adplatform/config';
import { systemClock } from '@adplatform/domain';
import type { AppDeps } from './app.js';

/**
 * The composition root: the ONLY place that picks embedded or scaled adapters,
 * from configuration alone.
 */
export async function createDeps(config: Config): Promise<AppDeps> {
  const clock = systemClock;
  const store = await createMetadataStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return {
    store,
    // S3_URL (an S3-compatible store) is not supported yet: files under the data dir.
    blobs: createFsBlobStore({ dir: path.join(config.dataDir, 'blobs') }),
    bus: createMemoryChangeBus(),
    clock,
    rateLimiter: createMemoryRateLimiter({ ...config.rateLimit, clock }),
    // Five failed sign-ins per e-mail or IP, then one more per minute.
    loginThrottle: createMemoryRateLimiter({ perSecond: 1 / 60, burst: 5, clock }),
  };
}
