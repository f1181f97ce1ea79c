import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { assertConsumerOffset } from '@adplatform/ports';

/** Makes the entries of a directory (a created, renamed or deleted file) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface ConsumerOffsets {
  get(consumer: string): Promise<number>;
  set(consumer: string, offset: number): Promise<void>;
}

/**
 * Consumer offsets, one small file per consumer (`<name>.offset`, the offset
 * in decimal). A commit writes a temporary file, fsyncs it, renames it over
 * the old one and fsyncs the directory: after a crash the file holds either
 * the old offset or the new one, never a torn mix. Commits of one consumer
 * are chained, so they land in call order.
 */
export function createConsumerOffsets(dir: string): ConsumerOffsets {
  const cache = new Map<string, number>();
  const chains = new Map<string, Promise<unknown>>();
  const fileOf = (consumer: string) => path.join(dir, `${consumer}.offset`);

  async function load(consumer: string): Promise<number> {
    const cached = cache.get(consumer);
    if (cached !== undefined) return cached;
    let text: string;
    try {
      text = await readFile(fileOf(consumer), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const offset = Number(text.trim());
    if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`${fileOf(consumer)} does not hold an offset`);
    cache.set(consumer, offset);
    return offset;
  }

  async function write(consumer: string, offset: number): Promise<void> {
    const temporary = `${fileOf(consumer)}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${offset}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temporary, fileOf(consumer));
    await syncDir(dir);
    cache.set(consumer, offset);
  }

  return {
    async get(consumer) {
      assertConsumerOffset(consumer);
      await chains.get(consumer)?.catch(() => undefined);
      return load(consumer);
    },
    async set(consumer, offset) {
      assertConsumerOffset(consumer, offset);
      const previous = chains.get(consumer) ?? Promise.resolve();
      const done = previous.catch(() => undefined).then(() => write(consumer, offset));
      chains.set(consumer, done);
      try {
        await done;
      } finally {
        if (chains.get(consumer) === done) chains.delete(consumer);
      }
    },
  };
}
