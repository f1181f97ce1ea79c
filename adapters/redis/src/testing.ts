import { Redis } from 'ioredis';

/** Deletes every key under `prefix` (a test run's own); for tests of code that uses the Redis adapters. */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  if (prefix.length < 4) throw new RangeError('refusing to delete under a prefix this short');
  const client = new Redis(url);
  try {
    const stream = client.scanStream({ match: `${prefix}*`, count: 500 });
    for await (const keys of stream) if ((keys as string[]).length > 0) await client.unlink(...(keys as string[]));
  } finally {
    client.disconnect();
  }
}
