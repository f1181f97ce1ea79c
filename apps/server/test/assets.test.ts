import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFields, multipartOf, pngOf } from './fixtures/creatives.fixture.js';
import { createHarness, expectProblem, type Harness, login, OPERATOR, STORE_KINDS } from './harness.js';

describe.each(STORE_KINDS)('assets on %s', (storeKind) => {
  let h: Harness;
  let png: Buffer;
  let original: { url: string; bytes: number };
  let webp: { url: string };
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    const owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    const advertiser = (
      await h.app.inject({ method: 'POST', url: '/api/v1/advertisers', headers: owner.headers, payload: { name: 'A', currency: 'USD' } })
    ).json();
    png = await pngOf(300, 250, [10, 120, 240]);
    const body = await multipartOf(imageFields(advertiser.id), [{ bytes: png }]);
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/creatives',
      headers: { ...owner.headers, ...body.headers },
      payload: body.payload,
    });
    ({ original, webp } = created.json().assets);
  });
  afterAll(() => h.close());

  const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') => h.app.inject({ method, url, headers });

  it('serves the upload without credentials: same bytes, its type, a strong ETag, cacheable forever', async () => {
    const response = await get(original.url);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(png)).toBe(true);
    const hash = original.url.slice('/assets/'.length, -'.png'.length);
    expect(response.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(png.byteLength),
      etag: `"${hash}"`,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect((await get(webp.url)).headers['content-type']).toBe('image/webp');
  });

  it('answers If-None-Match with 304 and no body, also for a list of tags or a weak tag', async () => {
    const etag = (await get(original.url)).headers.etag as string;
    for (const header of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
      const response = await get(original.url, { 'if-none-match': header });
      expect(response.statusCode, header).toBe(304);
      expect(response.body).toBe('');
      expect(response.headers.etag).toBe(etag);
    }
    expect((await get(original.url, { 'if-none-match': '"other"' })).statusCode).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await get(original.url, {}, 'HEAD');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(png.byteLength));
    expect(response.headers.etag).toBeDefined();
    expect(response.body).toBe('');
  });

  it('answers 404 problems for unknown and malformed names, never with a cache header', async () => {
    const unknown = `/assets/${'0'.repeat(64)}.png`;
    for (const url of [
      unknown,
      `${original.url.slice(0, -4)}.html`,
      `${original.url.slice(0, -4)}.PNG`,
      '/assets/..%2F..%2Fetc%2Fpasswd',
      '/assets/x.png',
    ]) {
      const response = await get(url);
      expectProblem(response, 404, 'NOT_FOUND');
      expect(response.headers['cache-control'], url).toBeUndefined();
    }
    // `/assets/%2e%2e` is a dot-dot segment: URL parsing makes it `/`, the site root (the dashboard
    // when it is built, else a 404), never a file of the asset store and never cached as one.
    const root = await get('/assets/%2e%2e');
    expect(root.headers['content-type'] ?? '').not.toMatch(/^image\//);
    expect(root.headers['cache-control'] ?? '').not.toContain('immutable');
    expectProblem(await get(unknown, { 'if-none-match': '*' }), 404, 'NOT_FOUND');
  });
});
