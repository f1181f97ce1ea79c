import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value of every thread but the event loop's, in a process the server owns (serve.ts). */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the priority (raises the nice value to `niceness`) of every thread of
 * this process except the main one, whose event loop answers requests. Linux
 * keeps a nice value per thread, so on a busy core DuckDB's threads, libuv's
 * pool, the analytics worker and V8's helpers then yield to the event loop
 * instead of holding it off for a scheduler slice. A thread already at or
 * above `niceness` is left alone (an unprivileged process cannot lower a nice
 * value back). Threads start lazily, so callers repeat this now and then.
 * Returns how many threads it changed: 0 where there is no /proc (not Linux).
 */
export function lowerBackgroundThreads(niceness: number = BACKGROUND_NICENESS): number {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${process.pid}/task`);
  } catch {
    return 0;
  }
  let changed = 0;
  for (const name of tids) {
    const tid = Number(name);
    if (tid === process.pid || !Number.isInteger(tid)) continue;
    try {
      if (getPriority(tid) >= niceness) continue;
      setPriority(tid, niceness);
      changed += 1;
    } catch {
      // The thread ended in between, or the change is not permitted: it keeps its priority.
    }
  }
  return changed;
}

/** Applies `lowerBackgroundThreads` now and every `everyMs` (unref'd); the returned function stops it. */
export function keepBackgroundThreadsLow(everyMs = 1_000, niceness: number = BACKGROUND_NICENESS): () => void {
  lowerBackgroundThreads(niceness);
  const timer = setInterval(() => lowerBackgroundThreads(niceness), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
