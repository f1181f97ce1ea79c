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
});
