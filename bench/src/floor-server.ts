// The floor under the HTTP goals: the least any server answering our two hot endpoints must do in Node, and nothing
// else. On the raw `http.Server` (cheaper than Fastify), per request: read the JSON POST body, JSON.parse it, build an
// answer of the size and shape AdPlatform sends (same fields, ids minted per request, strings of the same lengths)
// and write it with the same headers. No decision, no auction, no signing, no event log, no counters.
// bench/src/http-floor.bench.ts measures it next to the Fastify hello-world: what is left between this floor and
// a goal's ratio is the whole budget for deciding (docs/benchmarks.md).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** A string standing for a signed token or markup of AdPlatform's length (measured from a demo answer, 2026-11-28). */
const filler = (length: number): string => 'x'.repeat(length);
const ORIGIN = 'http://127.0.0.1:8080';

/** One `POST /v1/decisions` ad, as the demo's MPU answered it (2,064 bytes in all). */
function decisionAnswer(body: { placements?: { divName?: string }[] }): unknown {
  const divName = body.placements?.[0]?.divName ?? 'a';
  const token = `t=${filler(192)}`;
  return {
    decisions: {
      [divName]: [
        {
          decisionId: randomUUID(),
          lineItemId: randomUUID(),
          campaignId: randomUUID(),
          advertiserId: randomUUID(),
          creativeId: randomUUID(),
          format: 'image',
          width: 300,
          height: 250,
          html: `<a href="${ORIGIN}/t/click?${token}" target="_blank" rel="noopener">${filler(420)}</a>`,
          clickUrl: `${ORIGIN}/t/click?${token}${filler(60)}`,
          impressionUrl: `${ORIGIN}/t/imp?${token}${filler(62)}`,
          viewableUrl: `${ORIGIN}/t/event?${token}${filler(76)}`,
          imageUrl: `${ORIGIN}/assets/${filler(68)}.png`,
        },
      ],
    },
  };
}

/** A one-bid OpenRTB response, as the exchange answered the bench's request with a direct win (1,624 bytes). */
function bidResponse(body: { id?: string; imp?: { id?: string }[] }): unknown {
  return {
    id: body.id ?? '',
    cur: 'USD',
    seatbid: [
      {
        seat: 'adplatform',
        bid: [
          {
            id: randomUUID(),
            impid: body.imp?.[0]?.id ?? '1',
            price: 0.81,
            mtype: 1,
            adm: filler(1063),
            crid: randomUUID(),
            cid: randomUUID(),
            w: 300,
            h: 250,
            ext: {
              prebid: {
                type: 'banner',
                meta: { demandSource: 'direct', networkName: 'adplatform' },
                targeting: {
                  hb_pb: '0.81',
                  hb_bidder: 'adplatform',
                  hb_pb_adplatform: '0.81',
                  hb_bidder_adplatform: 'adplatform',
                  hb_size: '300x250',
                  hb_size_adplatform: '300x250',
                },
              },
            },
          },
        ],
      },
    ],
  };
}

function answer(req: IncomingMessage, res: ServerResponse, build: (body: never) => unknown): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString();
    const json = JSON.stringify(build(JSON.parse(text) as never));
    res.writeHead(200, {
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      'x-request-id': randomUUID(),
    });
    res.end(json);
  });
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/v1/decisions') answer(req, res, decisionAnswer);
  else if (req.method === 'POST' && req.url === '/openrtb2/auction') answer(req, res, bidResponse);
  else {
    res.writeHead(404).end();
  }
});
server.listen(Number(process.env['BENCH_PORT'] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ msg: 'floor is listening', url: `http://127.0.0.1:${port}` }));
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
