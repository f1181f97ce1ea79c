import type { FastifyBaseLogger } from 'fastify';
import type { AppDeps } from './app.js';
import { CampaignsService } from './modules/campaigns/campaigns.service.js';

interface Job {
  name: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

/**
 * Periodic housekeeping of a serving process. A run never overlaps the
 * previous run of the same job; a failed run is logged and retried at the next tick.
 */
export interface BackgroundJobs {
  /** No new runs start after this. */
  stop(): void;
  /** Resolves when no run is in flight (shutdown waits for it before closing the stores). */
  idle(): Promise<void>;
}

export function startBackgroundJobs(deps: AppDeps, log: Pick<FastifyBaseLogger, 'warn' | 'info'>): BackgroundJobs {
  const campaigns = new CampaignsService({ store: deps.store, bus: deps.bus, clock: deps.clock });
  const jobs: Job[] = [
    // Expired sessions are refused on use; this only keeps the table small.
    { name: 'session-sweep', everyMs: 15 * 60_000, run: (now) => deps.store.sessions.deleteExpired(now) },
    // A campaign past its end date becomes `completed` within a minute.
    { name: 'campaign-completion', everyMs: 60_000, run: (now) => campaigns.completeEnded(now) },
  ];
  const running = new Map<string, Promise<void>>();
  const timers = jobs.map((job) => {
    const tick = () => {
      if (running.has(job.name)) return;
      const run = job
        .run(deps.clock.now())
        .then(
          () => undefined,
          (error: unknown) => log.warn({ err: error, job: job.name }, 'background job failed'),
        )
        .finally(() => running.delete(job.name));
      running.set(job.name, run);
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
    idle: async () => {
      await Promise.all(running.values());
    },
  };
}
