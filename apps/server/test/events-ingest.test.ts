import { gzipSync } from 'node:zlib';
import { isId, newId } from '@adplatform/domain';
import type { DeliveryEvent } from '@adplatform/ports';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantEventId } from '../src/delivery/tracking/events-ingest-lines.js';
import { INGEST_KEY_CACHE_MS } from '../src/modules/api-keys/ingest-keys.js';
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
let acme: { id: string; owner: Session };
let globex: { id: string; owner: Session };
let acmeIngest: string;
let globexIngest: string;

async function createIngestKey(session: Session, name = 'ingest'): Promise<{ id: string; key: string; kind: string; role: string }> {
  const response = await h.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: session.headers,
    payload: { name, kind: 'ingest' },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

const ndjson = (lines: unknown[]) => lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');

function post(key: string | undefined, body: string | Buffer, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/t/events',
    headers: { 'content-type': 'application/x-ndjson', ...(key ? bearer(key) : {}), ...headers },
    payload: body,
  });
}

/** Every event in the log from `offset` on. */
async function loggedSince(offset: number): Promise<DeliveryEvent[]> {
  return (await h.deps.eventLog.read(offset, 100_000)).events;
}
const logEnd = async () => (await h.deps.eventLog.read(Number.MAX_SAFE_INTEGER, 1)).next;

beforeAll(async () => {
  h = await createHarness({ bodyLimitBytes: 1_048_576 });
  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  acme = await createOrganization(h.app, operator, 'Acme Ingest');
  globex = await createOrganization(h.app, operator, 'Globex Ingest');
  acmeIngest = (await createIngestKey(acme.owner)).key;
  globexIngest = (await createIngestKey(globex.owner)).key;
});
afterAll(() => h.close());

const at = () => h.clock.now().getTime() - 60_000;

describe('ingest keys', () => {
  it('are API keys of kind ingest, shown once, listed with their kind, without a role of their own to choose', async () => {
    const created = await createIngestKey(acme.owner, 'listed');
    expect(created.kind).toBe('ingest');
    expect(created.key).toMatch(/^adpi_[0-9a-f]{11}\./);
    const list = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys?limit=100', headers: acme.owner.headers });
    const listed = list.json().items.find((k: { id: string }) => k.id === created.id);
    expect(listed).toMatchObject({ kind: 'ingest', prefix: created.key.slice(0, 16) });
    expect(listed.key).toBeUndefined();
    const api = await createKey(h.app, acme.owner.headers, 'analyst');
    const got = await h.app.inject({ method: 'GET', url: `/api/v1/api-keys/${api.id}`, headers: acme.owner.headers });
    expect(got.json().kind).toBe('api');
  });

  it('refuses a role on an ingest key and a missing role on an api key, naming body.role', async () => {
    const withRole = await h.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: acme.owner.headers,
      payload: { name: 'x', kind: 'ingest', role: 'owner' },
    });
    expect((expectProblem(withRole, 400, 'VALIDATION_FAILED').errors as { path: string }[])[0]?.path).toBe('body.role');
    const noRole = await h.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: acme.owner.headers, payload: { name: 'x' } });
    expect((expectProblem(noRole, 400, 'VALIDATION_FAILED').errors as { path: string }[])[0]?.path).toBe('body.role');
  });

  it('authenticate nothing on the management API', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: bearer(acmeIngest) });
    expectProblem(response, 401, 'UNAUTHENTICATED');
  });
});

describe('POST /t/events authorization', () => {
  it('answers 401 without a key, with an unknown key and with a revoked one', async () => {
    const line = ndjson([{ type: 'impression', at: at() }]);
    expectProblem(await post(undefined, line), 401, 'UNAUTHENTICATED');
    expectProblem(await post(`adpi_00000000000.${'A'.repeat(43)}`, line), 401, 'UNAUTHENTICATED');
    const revoked = await createIngestKey(acme.owner, 'to revoke');
    expect((await post(revoked.key, line)).statusCode).toBe(200);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${revoked.id}`, headers: acme.owner.headers });
    expectProblem(await post(revoked.key, line), 401, 'UNAUTHENTICATED');
  });

  it('refuses a key revoked through another node (the shared store) within INGEST_KEY_CACHE_MS, and one revoked here at once', async () => {
    const line = ndjson([{ type: 'impression', at: at() }]);
    const elsewhere = await createIngestKey(acme.owner, 'revoked by another node');
    expect((await post(elsewhere.key, line)).statusCode).toBe(200); // verified, then held
    await h.store.apiKeys.revoke(acme.id, elsewhere.id, h.clock.now());
    h.clock.advance(INGEST_KEY_CACHE_MS - 1);
    expect((await post(elsewhere.key, line)).statusCode).toBe(200);
    h.clock.advance(1);
    expectProblem(await post(elsewhere.key, line), 401, 'UNAUTHENTICATED');
    const here = await createIngestKey(acme.owner, 'revoked here');
    expect((await post(here.key, line)).statusCode).toBe(200);
    await h.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${here.id}`, headers: acme.owner.headers });
    expectProblem(await post(here.key, line), 401, 'UNAUTHENTICATED');
  });

  it('answers 403 to a management API key of any role and to a signed-in user', async () => {
    const line = ndjson([{ type: 'impression', at: at() }]);
    const owner = await createKey(h.app, acme.owner.headers, 'owner');
    expectProblem(await post(owner.key, line), 403, 'FORBIDDEN');
    const session = await h.app.inject({
      method: 'POST',
      url: '/t/events',
      headers: { 'content-type': 'application/x-ndjson', ...acme.owner.headers },
      payload: line,
    });
    expectProblem(session, 403, 'FORBIDDEN');
  });

  it("takes the organization from the key and refuses a line naming another tenant's", async () => {
    const start = await logEnd();
    const response = await post(
      acmeIngest,
      ndjson([
        { type: 'impression', at: at(), organizationId: acme.id },
        { type: 'impression', at: at(), organizationId: globex.id },
        { type: 'click', at: at() },
      ]),
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 2, rejected: [{ line: 2, field: 'organizationId', detail: expect.any(String) }] });
    const events = await loggedSince(start);
    expect(events.map((e) => e.organizationId)).toEqual([acme.id, acme.id]);
  });

  it("maps a sender's id into the key's tenant: the same id from two tenants never meets, a resend keeps its id", async () => {
    const start = await logEnd();
    const id = newId();
    const when = at();
    const line = ndjson([{ id, type: 'conversion', at: when }]);
    expect((await post(acmeIngest, line)).statusCode).toBe(200);
    expect((await post(acmeIngest, line)).statusCode).toBe(200);
    expect((await post(globexIngest, line)).statusCode).toBe(200);
    const [first, resent, other] = await loggedSince(start);
    expect(first?.id).toBe(tenantEventId(acme.id, id, when));
    expect(resent?.id).toBe(first?.id);
    expect(other?.id).toBe(tenantEventId(globex.id, id, when));
    expect(other?.id).not.toBe(first?.id);
    expect(isId(first?.id ?? '')).toBe(true);
    expect(Number.parseInt((first?.id ?? '').replaceAll('-', '').slice(0, 12), 16)).toBe(when);
  });
});

describe('POST /t/events batches', () => {
  it('stores every dimension of a valid line, mints missing ids, and answers once they are in the log', async () => {
    const start = await logEnd();
    const campaignId = newId();
    const full = {
      type: 'impression',
      at: new Date(at()).toISOString(),
      campaignId,
      lineItemId: newId(),
      creativeId: newId(),
      placementId: newId(),
      country: 'DE',
      region: 'BE',
      deviceType: 'mobile',
      os: 'android',
      browser: 'chrome',
      costMicros: 2500,
      revenueMicros: '1800',
      invalid: { reason: 'datacenter' },
      data: { source: 'app' },
    };
    const response = await post(acmeIngest, ndjson([full, { type: 'request', at: at() }]));
    expect(response.json()).toEqual({ accepted: 2, rejected: [] });
    const [stored, minted] = await loggedSince(start);
    expect(stored).toMatchObject({ ...full, at: Date.parse(full.at), costMicros: '2500', organizationId: acme.id });
    expect(isId(stored?.id ?? '')).toBe(true);
    expect(isId(minted?.id ?? '')).toBe(true);
    expect(minted?.id).not.toBe(stored?.id);
  });

  it('names each refused line by number and field, keeps the good ones, and skips blank lines', async () => {
    const start = await logEnd();
    const body = [
      JSON.stringify({ type: 'impression', at: at() }),
      '{not json',
      '',
      JSON.stringify({ type: 'teleport', at: at() }),
      JSON.stringify({ type: 'click', at: at(), campaignId: 'abc' }),
      JSON.stringify({ type: 'click', at: at(), costMicros: -1 }),
      JSON.stringify({ type: 'click', at: at(), campagnId: newId() }),
      JSON.stringify({ type: 'click', at: h.clock.now().getTime() + 3_600_000 }),
      JSON.stringify({ type: 'click' }),
      '[1,2]',
      JSON.stringify({ type: 'viewable', at: at() }),
    ].join('\r\n');
    const response = await post(acmeIngest, body);
    expect(response.statusCode).toBe(200);
    expect(response.json().accepted).toBe(2);
    expect(response.json().rejected.map((r: { line: number; field: string }) => [r.line, r.field])).toEqual([
      [2, '$'],
      [4, 'type'],
      [5, 'campaignId'],
      [6, 'costMicros'],
      [7, 'campagnId'],
      [8, 'at'],
      [9, 'at'],
      [10, '$'],
    ]);
    expect((await loggedSince(start)).map((e) => e.type)).toEqual(['impression', 'viewable']);
  });

  it('answers 400 problem+json naming line and field when no line is accepted, and stores nothing', async () => {
    const start = await logEnd();
    const response = await post(acmeIngest, ndjson([{ type: 'impression' }, { type: 'nope', at: at() }]));
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect((problem.errors as { path: string }[]).map((e) => e.path)).toEqual(['body.line[1].at', 'body.line[2].type']);
    expectProblem(await post(acmeIngest, '\n\n'), 400, 'VALIDATION_FAILED');
    expect(await logEnd()).toBe(start);
  });

  it('reads gzip bodies, refuses broken gzip, other encodings and other content types', async () => {
    const start = await logEnd();
    const lines = Array.from({ length: 500 }, () => ({ type: 'impression', at: at() }));
    const gz = await post(acmeIngest, gzipSync(ndjson(lines)), { 'content-encoding': 'gzip' });
    expect(gz.json()).toEqual({ accepted: 500, rejected: [] });
    expect((await loggedSince(start)).length).toBe(500);
    expectProblem(await post(acmeIngest, Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' }), 400, 'VALIDATION_FAILED');
    expectProblem(await post(acmeIngest, 'x', { 'content-encoding': 'br' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post(acmeIngest, '{}', { 'content-type': 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 past the body limit, also when a small gzip body inflates past it', async () => {
    const big = 'x'.repeat(17 * 1_048_576);
    expectProblem(await post(acmeIngest, big), 413, 'BODY_TOO_LARGE');
    expectProblem(await post(acmeIngest, gzipSync(big), { 'content-encoding': 'gzip' }), 413, 'BODY_TOO_LARGE');
  });

  it('refuses more than 10,000 lines in one batch', async () => {
    const line = JSON.stringify({ type: 'request', at: at() });
    const response = await post(acmeIngest, Array.from({ length: 10_001 }, () => line).join('\n'));
    expectProblem(response, 400, 'VALIDATION_FAILED');
  });
});
