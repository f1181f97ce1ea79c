import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPENRTB_BODY_LIMIT_BYTES } from '../src/openrtb/openrtb.routes.js';
import { createHarness, expectProblem, type Harness } from './harness.js';

/**
 * How a browser's Prebid.js reaches /openrtb2/auction: gzip bodies (`s2sConfig.endpointCompression` sends
 * `?gzip=1` and no header; other callers send `Content-Encoding: gzip`), bounded once inflated, and CORS
 * headers on every answer, errors included, so the page can read a 400 or 413 too.
 */
const ORIGIN = 'https://publisher.example';
/** Valid, but names no placement: the exchange answers 204. */
const REQUEST = {
  id: 'auction-1',
  imp: [{ id: 'imp-1', banner: { format: [{ w: 300, h: 250 }] } }],
  site: { page: 'https://publisher.example/' },
};

describe('/openrtb2/auction transport', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const post = (url: string, payload: Buffer | string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'text/plain', origin: ORIGIN, ...headers } });

  it('inflates a ?gzip=1 body (Prebid.js) and a Content-Encoding: gzip body alike', async () => {
    const zipped = gzipSync(JSON.stringify(REQUEST));
    expect((await post('/openrtb2/auction?gzip=1', zipped)).statusCode).toBe(204);
    expect((await post('/openrtb2/auction', zipped, { 'content-encoding': 'gzip' })).statusCode).toBe(204);
    // A compressed invalid request is validated like a plain one.
    const invalid = await post('/openrtb2/auction?gzip=1', gzipSync(JSON.stringify({ ...REQUEST, imp: [] })));
    expect(expectProblem(invalid, 400, 'VALIDATION_FAILED').errors).toEqual([{ path: 'request.imp', message: expect.any(String) }]);
  });

  it('refuses a body that is not gzip (400) and one that inflates past the limit (413), readable cross-origin', async () => {
    const garbage = await post('/openrtb2/auction?gzip=1', JSON.stringify(REQUEST));
    expect(expectProblem(garbage, 400, 'MALFORMED_JSON').errors).toEqual([{ path: 'request', message: 'is not valid gzip' }]);
    expect(garbage.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(garbage.headers['access-control-allow-credentials']).toBe('true');
    // 1 MiB of spaces compresses to about 1 KiB: far under the 256 KiB default limit, far over it once inflated.
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(DEFAULT_OPENRTB_BODY_LIMIT_BYTES / 100);
    const tooLarge = await post('/openrtb2/auction?gzip=1', bomb);
    expect(expectProblem(tooLarge, 413, 'BODY_TOO_LARGE').errors).toEqual([
      { path: 'body', message: `inflates to more than ${DEFAULT_OPENRTB_BODY_LIMIT_BYTES} bytes` },
    ]);
    expect(tooLarge.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('answers malformed JSON with CORS headers, and a preflight that allows content-encoding', async () => {
    const malformed = await post('/openrtb2/auction', '{"id":');
    expectProblem(malformed, 400, 'MALFORMED_JSON');
    expect(malformed.headers['access-control-allow-origin']).toBe(ORIGIN);
    const preflight = await h.app.inject({
      method: 'OPTIONS',
      url: '/openrtb2/auction',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-encoding' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('content-encoding');
  });
});
