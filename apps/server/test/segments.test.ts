import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  STORE_KINDS,
} from './harness.js';

describe.each(STORE_KINDS)('audience segments on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let other: Session;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    other = (await createOrganization(h.app, owner, 'Other Audiences')).owner;
  });
  afterAll(() => h.close());

  const segment = async (name = 'Sports fans') =>
    (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/segments',
        headers: owner.headers,
        payload: { name, description: 'People who read sports' },
      })
    ).json();
  const upload = (id: string, payload: string | Readable, contentType: string, headers = owner.headers) =>
    h.app.inject({ method: 'POST', url: `/api/v1/segments/${id}/members`, headers: { ...headers, 'content-type': contentType }, payload });
  const get = (url: string, headers = owner.headers) => h.app.inject({ method: 'GET', url, headers });

  it('creates a segment with no members, audits it and publishes a change event', async () => {
    const created = await segment();
    expect(created).toMatchObject({
      name: 'Sports fans',
      description: 'People who read sports',
      status: 'active',
      memberCount: 0,
      version: 1,
    });
    expect(h.events.at(-1)).toMatchObject({ kind: 'segment', id: created.id, op: 'created' });
    expect((await get(`/api/v1/audit-log?resourceId=${created.id}`)).json().items[0]).toMatchObject({ action: 'segment.create' });
    expect((await get('/api/v1/segments?search=sports')).json().items[0]).toMatchObject({ id: created.id, memberCount: 0 });
  });

  it('adds a CSV upload line by line: header, quotes, CRLF and duplicates; bad lines are counted with their numbers', async () => {
    const { id } = await segment('CSV');
    const csv = ['user_key', 'u1', '"u2"', '"say ""hi"""', '', 'u1', 'a,b', `bad\u0001key`, 'x'.repeat(257), '"open', 'u3\r', 'u4'].join(
      '\n',
    );
    const response = await upload(id, csv, 'text/csv; charset=utf-8');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      added: 5,
      total: 5,
      rejected: 4,
      errors: [
        { line: 7, message: 'expected one value per line' },
        { line: 8, message: 'the user key contains a control character or invalid UTF-8' },
        { line: 9, message: 'the user key is longer than 256 characters' },
        { line: 10, message: 'an unterminated quoted value' },
      ],
    });
    const view = (await get(`/api/v1/segments/${id}`)).json();
    expect(view).toMatchObject({ memberCount: 5, version: 2, lastMembersChange: { added: 5, removed: 0, rejected: 4 } });
    expect(view.membersUpdatedAt).toBe('2026-11-27T12:00:00.000Z');
    const orgId = (await get('/api/v1/me')).json().organization.id;
    expect(await h.store.segmentMembers.segmentsOf(orgId, 'say "hi"')).toEqual([id]);
    expect(await h.store.segmentMembers.segmentsOf(orgId, 'u3')).toEqual([id]);
    expect(h.events.at(-1)).toMatchObject({ kind: 'segment', id, op: 'updated', version: 2 });
    const audit = (await get(`/api/v1/audit-log?resourceId=${id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'segment.update', after: { lastMembersChange: { added: 5, rejected: 4 } } });
  });

  it('adds an NDJSON upload and reports lines that are not {"userKey": …}', async () => {
    const { id } = await segment('NDJSON');
    const ndjson = [
      '{"userKey":"n1"}',
      '{"userKey":"n2","extra":1}',
      'not json',
      '{"user":"n3"}',
      '["n4"]',
      '{"userKey":""}',
      '{"userKey":"n5"}',
    ].join('\n');
    const response = await upload(id, ndjson, 'application/x-ndjson');
    expect(response.json()).toMatchObject({ added: 3, total: 3, rejected: 4 });
    expect(response.json().errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 5, 6]);
  });

  it('adds and removes members as JSON for programs', async () => {
    const { id } = await segment('API');
    const change = (payload: object, headers = owner.headers) =>
      h.app.inject({ method: 'PATCH', url: `/api/v1/segments/${id}/members`, headers, payload });
    expect((await change({ add: ['a', 'b', 'c', 'a'] })).json()).toEqual({ added: 3, removed: 0, total: 3 });
    expect((await change({ remove: ['a', 'zz'] })).json()).toEqual({ added: 0, removed: 1, total: 2 });
    expect(expectProblem(await change({ add: ['ok', 'tab\tkey'] }), 400, 'VALIDATION_FAILED').errors).toEqual([
      { path: 'body.add[1]', message: 'contains a control character or invalid UTF-8' },
    ]);
    expect((expectProblem(await change({ add: ['x'.repeat(257)] }), 400, 'VALIDATION_FAILED').errors as { path: string }[])[0]?.path).toBe(
      'body.add[0]',
    );
    expectProblem(await change({ add: ['x'] }, other.headers), 404, 'NOT_FOUND');
    expect((await get(`/api/v1/segments/${id}`)).json().memberCount).toBe(2);
  });

  it('refuses other content types with 415, and another tenant’s segment with 404 before reading the body', async () => {
    const { id } = await segment('Guarded');
    expectProblem(await upload(id, 'u1\n', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await upload(id, '{"userKey":"u1"}', 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await upload(id, 'u1\n', 'text/csv', other.headers), 404, 'NOT_FOUND');
    expect((await get(`/api/v1/segments/${id}`)).json().memberCount).toBe(0);
    expect((await get('/api/v1/segments', other.headers)).json().items).toEqual([]);
  });

  it('archives a segment and keeps its members; advertisers write, analysts read, publishers stay out', async () => {
    const { id } = await segment('Archivable');
    await upload(id, 'k1\nk2\n', 'text/csv');
    const archived = await h.app.inject({ method: 'DELETE', url: `/api/v1/segments/${id}`, headers: owner.headers });
    expect(archived.json()).toMatchObject({ status: 'archived', memberCount: 2 });
    const advertiser = bearer((await createKey(h.app, owner.headers, 'advertiser')).key);
    const analyst = bearer((await createKey(h.app, owner.headers, 'analyst')).key);
    const publisher = bearer((await createKey(h.app, owner.headers, 'publisher')).key);
    expect((await upload(id, 'k3\n', 'text/csv', advertiser)).json()).toMatchObject({ added: 1, total: 3 });
    expect((await get(`/api/v1/segments/${id}`, analyst)).statusCode).toBe(200);
    expectProblem(await upload(id, 'k4\n', 'text/csv', analyst), 403, 'FORBIDDEN');
    expectProblem(await get('/api/v1/segments', publisher), 403, 'FORBIDDEN');
  });

  it('streams a 200,000-key upload in batches without holding it in memory', async () => {
    const KEYS = 200_000;
    const { id } = await segment('Big');
    const gc = exposeGc();
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    // Sampled from inside the stream the server pulls, so samples land mid-upload on either engine
    // (PGlite runs on this thread, so a timer might never fire until the upload is over).
    const sample = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const started = performance.now();
    const response = await upload(id, Readable.from(generateCsv(KEYS, sample)), 'text/csv');
    const seconds = (performance.now() - started) / 1000;
    expect(response.statusCode).toBe(200);
    // Every 50,000th line is malformed: counted, and nothing around it is lost.
    expect(response.json()).toMatchObject({ added: KEYS, total: KEYS, rejected: KEYS / 50_000 });
    const peakMiB = (peak - baseline) / 2 ** 20;
    const rawMiB = (KEYS * (KEY_CHARS + 1)) / 2 ** 20;
    console.log(
      `[segments on ${storeKind}] ${KEYS} keys (${rawMiB.toFixed(1)} MiB of CSV) in ${seconds.toFixed(1)} s = ${Math.round(KEYS / seconds)} keys/s; peak live heap +${peakMiB.toFixed(1)} MiB`,
    );
    // Holding the keys as strings would take more than the raw CSV (12 MiB); streaming keeps two batches of 5,000.
    expect(peakMiB).toBeLessThan(12);
  }, 180_000);
});

const KEY_CHARS = 64;

/** 64-character keys in chunks of 1,000 lines, as a client would stream them; `sample` runs every 20,000 keys. */
function* generateCsv(keys: number, sample: () => void): Generator<string> {
  yield 'user_key\n';
  let chunk: string[] = [];
  for (let i = 0; i < keys; i++) {
    chunk.push(`user-${String(i).padStart(9, '0')}-`.padEnd(KEY_CHARS, 'k'));
    if ((i + 1) % 50_000 === 0) chunk.push('a,malformed');
    if ((i + 1) % 20_000 === 0) sample();
    if (chunk.length >= 1000) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}

/** A full garbage collection on demand, so the samples measure live memory, not garbage not yet collected. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
