import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { lowerBackgroundThreads } from './background-threads.js';

/** Each thread of this process with its nice value, from /proc (field 19 of stat). */
function threadsOfProcess(): { tid: number; nice: number }[] {
  return readdirSync(`/proc/${process.pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    return { tid: Number(tid), nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) };
  });
}

describe.runIf(process.platform === 'linux')('lowerBackgroundThreads', () => {
  it('raises the nice value of every thread but the main one, and leaves the main thread as it was', async () => {
    // A worker that stays alive: at least one thread this process started itself.
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      const mainBefore = threadsOfProcess().find((t) => t.tid === process.pid)?.nice;
      const low = threadsOfProcess().filter((t) => t.tid !== process.pid && t.nice < 12);
      expect(low.length).toBeGreaterThan(0);
      expect(lowerBackgroundThreads(12)).toBeGreaterThanOrEqual(low.length);
      const niceOf = (tid: number) => threadsOfProcess().find((t) => t.tid === tid)?.nice;
      expect(niceOf(process.pid)).toBe(mainBefore);
      for (const { tid } of low) expect(niceOf(tid) ?? 12).toBeGreaterThanOrEqual(12); // undefined: the thread has ended
      // A lower target never lowers a thread's nice value back (nor could it, unprivileged).
      lowerBackgroundThreads(5);
      for (const { tid } of low) expect(niceOf(tid) ?? 12).toBeGreaterThanOrEqual(12);
      expect(niceOf(process.pid)).toBe(mainBefore);
    } finally {
      await worker.terminate();
    }
  });
});
