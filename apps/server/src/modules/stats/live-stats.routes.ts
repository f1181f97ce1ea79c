import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../http/access.js';
import type { LiveStats } from './live-stats.js';

interface Subscriber {
  organizationId: string;
  raw: ServerResponse;
  /** The last second sent to it. */
  sent: number;
}

const PING_MS = 15_000;
/** After a second ends, wait this long for its events to reach the log and the tap before sending it. */
const SETTLE_MS = 300;

/**
 * `GET /api/v1/stats/live`: Server-Sent Events of the caller's organization
 * (contract: docs/events.md). On connect `retry: 2000` and one `snapshot` of
 * the last 300 seconds; then one `second` event per ended second; a `: ping`
 * comment every 15 s. One timer for every connection, running while any is open.
 */
export const liveStatsRoutes: FastifyPluginAsyncTypebox<{ stats: LiveStats; nowMs: () => number }> = async (app, { stats, nowMs }) => {
  const subscribers = new Set<Subscriber>();
  let timer: NodeJS.Timeout | undefined;
  let lastPingMs = 0;

  const nowSecond = () => Math.floor(nowMs() / 1_000);
  const write = (subscriber: Subscriber, text: string) => {
    if (!subscriber.raw.writableEnded) subscriber.raw.write(text);
  };

  async function tick(): Promise<void> {
    await stats.poll().catch(() => undefined);
    const ended = nowSecond() - 1;
    const ping = Date.now() - lastPingMs >= PING_MS;
    if (ping) lastPingMs = Date.now();
    for (const subscriber of subscribers) {
      // Catch up every ended second (a stalled loop or a jump of the clock), at most the window.
      for (let t = Math.max(subscriber.sent + 1, ended - 299); t <= ended; t++) {
        write(subscriber, `event: second\ndata: ${JSON.stringify(stats.second(subscriber.organizationId, t))}\n\n`);
      }
      subscriber.sent = Math.max(subscriber.sent, ended);
      if (ping) write(subscriber, ': ping\n\n');
    }
  }

  function schedule(): void {
    if (timer || subscribers.size === 0) return;
    const wait = 1_000 - (Date.now() % 1_000) + SETTLE_MS;
    timer = setTimeout(() => {
      timer = undefined;
      tick().finally(schedule);
    }, wait);
  }

  app.addHook('onClose', async () => {
    clearTimeout(timer);
    timer = undefined;
    for (const subscriber of subscribers) subscriber.raw.end();
    subscribers.clear();
    await stats.stop();
  });

  app.get(
    '/api/v1/stats/live',
    {
      config: { access: { roles: 'any' } },
      schema: {
        tags: ['stats'],
        summary: 'Live traffic of the organization, per second, as Server-Sent Events (text/event-stream)',
        description:
          '`event: snapshot` with the last 300 seconds on connect, then `event: second` every second, `: ping` every 15 s. Contract: docs/events.md.',
      },
    },
    async (request, reply) => {
      const { organizationId } = principalOf(request);
      await stats.poll().catch(() => undefined);
      const now = nowSecond();
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      raw.write('retry: 2000\n\n');
      raw.write(`event: snapshot\ndata: ${JSON.stringify({ seconds: stats.snapshot(organizationId, now) })}\n\n`);
      const subscriber: Subscriber = { organizationId, raw, sent: now - 1 };
      subscribers.add(subscriber);
      request.raw.on('close', () => subscribers.delete(subscriber));
      schedule();
    },
  );
};
