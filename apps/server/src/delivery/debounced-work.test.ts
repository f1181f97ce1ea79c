import { describe, expect, it } from 'vitest';
import { DebouncedWork } from './debounced-work.js';

describe('DebouncedWork', () => {
  it('runs a burst of changes as one batch, each key once with what it gathered', async () => {
    const runs: [string, string[]][] = [];
    const work = new DebouncedWork<string, string[]>({ debounceMs: 5, run: async (key, value) => void runs.push([key, value]) });
    work.upsert('a', () => []).push('1');
    work.upsert('b', () => []).push('2');
    work.upsert('a', () => []).push('3');
    expect(runs).toEqual([]);
    await work.settle();
    expect(runs).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('runs batches and queued jobs one at a time, in order', async () => {
    const log: string[] = [];
    let active = 0;
    const work = new DebouncedWork<string, true>({
      debounceMs: 1,
      run: async (key) => {
        active += 1;
        expect(active).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(key);
        active -= 1;
      },
    });
    const job = work.enqueue(async () => void log.push('job'));
    work.upsert('x', () => true);
    await job;
    await work.settle();
    work.upsert('y', () => true);
    await work.settle();
    expect(log).toEqual(['job', 'x', 'y']);
  });

  it('drops what has not started on close, and waits for what has', async () => {
    const runs: string[] = [];
    const work = new DebouncedWork<string, true>({ debounceMs: 10_000, run: async (key) => void runs.push(key) });
    work.upsert('later', () => true);
    await work.close();
    expect(work.isClosed).toBe(true);
    await work.settle();
    expect(runs).toEqual([]);
  });
});
