import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DemandPartnerTarget, OpenRtbRequest } from '../src/openrtb/demand/demand-types.js';

/**
 * A programmable demand partner: a real HTTP server on 127.0.0.1. Each path is
 * a behaviour (`/bid`, `/late`, `/error`, `/nonsense`, `/gzip`, `/hang`,
 * `/hang-after-headers`, `/nobid`, `/no-gzip`, `/custom`); every request it
 * receives is recorded (headers and the decompressed body).
 */
export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: OpenRtbRequest & { tmax?: number };
}

export interface PartnerServer {
  url: string;
  received: ReceivedRequest[];
  hits(path: string): number;
  /** What `/custom` answers, from the request it got. */
  custom: (request: OpenRtbRequest) => { status: number; body?: unknown };
  /** Late answers wait this long. */
  lateMs: number;
  close(): Promise<void>;
}

export function bidFor(request: OpenRtbRequest, overrides: Record<string, unknown> = {}, cur = 'USD') {
  return {
    id: request.id,
    cur,
    seatbid: [
      {
        seat: 'seat-1',
        bid: request.imp.map((imp, i) => ({
          id: `bid-${imp.id}`,
          impid: imp.id,
          price: 1.5 + i,
          adm: '<div>ad</div>',
          crid: `cr-${imp.id}`,
          adomain: ['advertiser.example'],
          w: 300,
          h: 250,
          nurl: `https://dsp.example/win?p=\${AUCTION_PRICE}`,
          ...overrides,
        })),
      },
    ],
  };
}

export async function startPartnerServer(): Promise<PartnerServer> {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const state: Pick<PartnerServer, 'custom' | 'lateMs'> = { custom: () => ({ status: 204 }), lateMs: 400 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET' && path === '/rates') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ dataAsOf: '2026-11-27', conversions: { USD: { EUR: 0.5 } } }));
        return;
      }
      if (req.method === 'GET') {
        received.push({ path, headers: req.headers, body: { id: '', imp: [] } });
        res.writeHead(200).end();
        return;
      }
      if (path === '/no-gzip' && req.headers['content-encoding'] === 'gzip') {
        received.push({ path, headers: req.headers, body: { id: '', imp: [] } });
        res.writeHead(415).end();
        return;
      }
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      const body = JSON.parse(text) as ReceivedRequest['body'];
      received.push({ path, headers: req.headers, body });
      const json = (status: number, payload: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      switch (path) {
        case '/bid':
        case '/no-gzip':
          return json(200, bidFor(body));
        case '/eur':
          return json(200, bidFor(body, {}, 'EUR'));
        case '/late':
          setTimeout(() => json(200, bidFor(body)), state.lateMs).unref();
          return;
        case '/error':
          return json(500, { error: 'boom' });
        case '/nonsense':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "x", "seatbid": [ {"bid": [ {');
          return;
        case '/gzip':
          res
            .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
            .end(gzipSync(JSON.stringify(bidFor(body))));
          return;
        case '/hang':
          hanging.add(res);
          return;
        case '/hang-after-headers':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"id":');
          hanging.add(res);
          return;
        case '/nobid':
          res.writeHead(204).end();
          return;
        case '/custom': {
          const answer = state.custom(body);
          if (answer.body === undefined) res.writeHead(answer.status).end();
          else json(answer.status, answer.body);
          return;
        }
        default:
          res.writeHead(404).end();
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const partner: PartnerServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    hits: (path) => received.filter((r) => r.path === path).length,
    get custom() {
      return state.custom;
    },
    set custom(fn) {
      state.custom = fn;
    },
    get lateMs() {
      return state.lateMs;
    },
    set lateMs(ms) {
      state.lateMs = ms;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  return partner;
}

let counter = 0;
export function partnerAt(url: string, overrides: Partial<DemandPartnerTarget> = {}): DemandPartnerTarget {
  counter++;
  return {
    id: `partner-${counter}`,
    organizationId: 'org-1',
    name: `Partner ${counter}`,
    endpointUrl: url,
    timeoutMs: 1000,
    bidAdjustment: 1,
    placementIds: [],
    qpsLimit: 1000,
    ...overrides,
  };
}

export function auctionRequest(impIds: string[] = ['imp-1']): OpenRtbRequest {
  return {
    id: `auction-${++counter}`,
    imp: impIds.map((id) => ({ id, banner: { format: [{ w: 300, h: 250 }] } })),
    site: { domain: 'news.example', publisher: { id: 'pub-1' } },
    cur: ['USD'],
  };
}
