import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveSecond } from '../src/modules/stats/live-stats.js';
import {
  bearer,
  createHarness,
  createKey,
  createOrganization,
  expectProblem,
  type Harness,
  login,
  OPERATOR,
  type Session,
} from './harness.js';

let h: Harness;
let port: number;
let acme: { id: string; owner: Session };
let globex: { id: string; owner: Session };
const ingestKeys = new Map<string, string>();

interface SseEvent {
  event: string;
  data: string;
}

/** An open SSE connection: the events parsed so far, and a wait for one that matches. */
function connect(
  headers: Record<string, string>,
): Promise<{ response: IncomingMessage; raw: () => string; next(match: (e: SseEvent) => boolean): Promise<SseEvent>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/api/v1/stats/live', headers }, (response) => {
      let text = '';
      const events: SseEvent[] = [];
      const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        for (;;) {
          const end = text.indexOf('\n\n');
          if (end === -1) break;
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = { event: '', data: '', raw: block };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data = line.slice(6);
            else if (line.startsWith('retry: ')) event.event = 'retry';
          }
          events.push(event);
          for (const waiter of [...waiters]) {
            if (waiter.match(event)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(event);
            }
          }
        }
      });
      resolve({
        response,
        raw: () => events.map((e) => e.event).join(','),
        next: (match) =>
          new Promise((res, rej) => {
            const found = events.find(match);
            if (found) return res(found);
            const timer = setTimeout(() => rej(new Error(`no matching event; got ${events.map((e) => e.event).join(',')}`)), 8_000);
            waiters.push({
              match,
              resolve: (e) => {
                clearTimeout(timer);
                res(e);
              },
            });
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

async function ingest(organizationId: string, lines: object[]): Promise<void> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/t/events',
    headers: { 'content-type': 'application/x-ndjson', ...bearer(ingestKeys.get(organizationId) as string) },
    payload: lines.map((l) => JSON.stringify(l)).join('\n'),
  });
  expect(response.statusCode).toBe(200);
}

beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as { port: number }).port;
  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  acme = await createOrganization(h.app, operator, 'Acme Live');
  globex = await createOrganization(h.app, operator, 'Globex Live');
  for (const org of [acme, globex]) {
    const key = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: org.owner.headers,
      payload: { name: 'i', kind: 'ingest' },
    });
    ingestKeys.set(org.id, key.json().key);
  }
});
afterAll(() => h.close());

describe('GET /api/v1/stats/live', () => {
  it('answers 401 without credentials and 401 to an ingest key', async () => {
    expectProblem(await h.app.inject({ method: 'GET', url: '/api/v1/stats/live' }), 401, 'UNAUTHENTICATED');
    expectProblem(
      await h.app.inject({ method: 'GET', url: '/api/v1/stats/live', headers: bearer(ingestKeys.get(acme.id) as string) }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it("streams a snapshot of 300 seconds then each ended second, with the caller's organization's events only", async () => {
    const nowMs = h.clock.now().getTime();
    const second = Math.floor(nowMs / 1_000);
    await ingest(acme.id, [
      { type: 'impression', at: (second - 3) * 1_000 + 5, costMicros: 2500 },
      { type: 'impression', at: (second - 3) * 1_000 + 900, costMicros: 2500 },
      { type: 'click', at: (second - 2) * 1_000 },
    ]);
    await ingest(globex.id, [
      { type: 'impression', at: (second - 3) * 1_000 },
      { type: 'click', at: (second - 2) * 1_000 },
      { type: 'click', at: (second - 2) * 1_000 },
    ]);
    const analyst = await createKey(h.app, acme.owner.headers, 'analyst');
    const stream = await connect(bearer(analyst.key));
    try {
      expect(stream.response.statusCode).toBe(200);
      expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
      await stream.next((e) => e.event === 'retry');
      const snapshot = JSON.parse((await stream.next((e) => e.event === 'snapshot')).data) as { seconds: LiveSecond[] };
      expect(snapshot.seconds).toHaveLength(300);
      expect(snapshot.seconds.at(-1)?.t).toBe(second - 1);
      expect(snapshot.seconds[0]?.t).toBe(second - 300);
      const at = (t: number) => snapshot.seconds.find((s) => s.t === t);
      expect(at(second - 3)).toMatchObject({ impressions: 2, clicks: 0, spendMicros: '5000', requests: 0, fillRate: null });
      expect(at(second - 2)).toMatchObject({ impressions: 0, clicks: 1 });
      expect(snapshot.seconds.reduce((sum, s) => sum + s.impressions + s.clicks, 0)).toBe(3);

      // The second in progress ends: it arrives as one `second` event.
      await ingest(acme.id, [
        { type: 'viewable', at: nowMs },
        { type: 'viewable', at: nowMs },
      ]);
      await ingest(globex.id, [{ type: 'viewable', at: nowMs }]);
      h.clock.advance(1_000);
      const ended = JSON.parse((await stream.next((e) => e.event === 'second')).data) as LiveSecond;
      expect(ended).toMatchObject({ t: second, viewables: 2, impressions: 0 });
      expect(Object.keys(ended).sort()).toEqual(
        ['t', 'requests', 'filled', 'impressions', 'viewables', 'clicks', 'conversions', 'fillRate', 'spendMicros', 'revenueMicros'].sort(),
      );
    } finally {
      stream.close();
    }
  });
});
