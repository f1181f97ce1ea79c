import { newId } from '@adplatform/domain';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlCreative, imageFields, multipartOf, pngOf } from './fixtures/creatives.fixture.js';
import { bearer, createHarness, createKey, expectProblem, type Harness, login, OPERATOR, type Session, STORE_KINDS } from './harness.js';

describe.each(STORE_KINDS)('creatives on %s', (storeKind) => {
  let h: Harness;
  let owner: Session;
  let advertiserId: string;
  beforeAll(async () => {
    h = await createHarness({ store: storeKind });
    owner = await login(h.app, OPERATOR.email, OPERATOR.password);
    const advertiser = await h.app.inject({
      method: 'POST',
      url: '/api/v1/advertisers',
      headers: owner.headers,
      payload: { name: 'Acme', currency: 'USD' },
    });
    advertiserId = advertiser.json().id;
  });
  afterAll(() => h.close());

  const upload = async (fields: Record<string, string | string[]>, file?: Buffer, headers = owner.headers) => {
    const body = await multipartOf(fields, file ? [{ bytes: file }] : []);
    return h.app.inject({ method: 'POST', url: '/api/v1/creatives', headers: { ...headers, ...body.headers }, payload: body.payload });
  };
  const postJson = (payload: object, headers = owner.headers) =>
    h.app.inject({ method: 'POST', url: '/api/v1/creatives', headers, payload });
  const call = (method: 'GET' | 'PATCH' | 'POST' | 'DELETE', url: string, payload?: object) =>
    h.app.inject({ method, url, headers: owner.headers, ...(payload ? { payload } : {}) });
  const errorsOf = (response: Awaited<ReturnType<typeof call>>, status = 400) =>
    expectProblem(response, status, status === 413 ? 'BODY_TOO_LARGE' : 'VALIDATION_FAILED').errors as { path: string; message: string }[];

  it('uploads a 300×250 PNG: 201 pending, original and WebP assets, audited, published', async () => {
    const png = await pngOf(300, 250);
    const started = performance.now();
    const response = await upload(imageFields(advertiserId), png);
    const elapsedMs = performance.now() - started;
    expect(response.statusCode, response.body).toBe(201);
    const creative = response.json();
    expect(creative).toMatchObject({
      advertiserId,
      format: 'image',
      width: 300,
      height: 250,
      status: 'pending',
      version: 1,
      impressionTrackers: [],
      assets: {
        original: { contentType: 'image/png', bytes: png.byteLength, width: 300, height: 250 },
        webp: { contentType: 'image/webp', width: 300, height: 250 },
      },
    });
    expect(creative.assets.original.url).toMatch(/^\/assets\/[a-f0-9]{64}\.png$/);
    expect(creative.assets.webp.url).toMatch(/^\/assets\/[a-f0-9]{64}\.webp$/);
    const webp = await h.app.inject({ method: 'GET', url: creative.assets.webp.url });
    expect(await sharp(webp.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 300, height: 250 });
    expect(h.events.at(-1)).toMatchObject({ kind: 'creative', id: creative.id, version: 1, op: 'created' });
    const audit = (await call('GET', `/api/v1/audit-log?resourceId=${creative.id}`)).json();
    expect(audit.items[0]).toMatchObject({ action: 'creative.create', after: { format: 'image', status: 'pending' } });
    console.info(`[figure] ${storeKind}: 300×250 PNG upload (sniff, WebP, two blobs, insert) answered in ${elapsedMs.toFixed(1)} ms`);
  });

  it('refuses a wrong-size image, naming the field and both sizes', async () => {
    const response = await upload(imageFields(advertiserId), await pngOf(320, 50));
    expect(errorsOf(response)).toEqual([{ path: 'body.width', message: 'is 300×250 but the file is 320×50' }]);
  });

  it('sniffs the bytes: a text file named .png, or an SVG, is not an image', async () => {
    const text = new TextEncoder().encode('GIF89a? no, just text pretending to be a picture');
    const named = await multipartOf(imageFields(advertiserId), [{ bytes: text, filename: 'ad.png', type: 'image/png' }]);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/creatives',
      headers: { ...owner.headers, ...named.headers },
      payload: named.payload,
    });
    expect(errorsOf(response)).toEqual([{ path: 'body.file', message: 'is not a PNG, JPEG, GIF or WebP image' }]);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="250"><script>alert(1)</script></svg>');
    expect(errorsOf(await upload(imageFields(advertiserId), svg))[0]).toMatchObject({ path: 'body.file' });
  });

  it('accepts JPEG and GIF, keeping their real type', async () => {
    const base = sharp({ create: { width: 300, height: 250, channels: 3, background: '#06c' } });
    for (const [bytes, type] of [
      [await base.clone().jpeg().toBuffer(), 'image/jpeg'],
      [await base.clone().gif().toBuffer(), 'image/gif'],
    ] as const) {
      const response = await upload(imageFields(advertiserId), bytes);
      expect(response.json().assets.original.contentType).toBe(type);
    }
  });

  it('checks every text field of the form and answers 4xx problems for malformed forms', async () => {
    const bad = imageFields(advertiserId, { width: '300.5', height: 'abc', clickUrl: 'javascript:alert(1)', format: 'video' });
    expect(errorsOf(await upload(bad, await pngOf(300, 250)))).toEqual([
      { path: 'body.format', message: 'must be image (send html, native and video creatives as JSON)' },
      { path: 'body.width', message: 'must be an integer from 1 to 4096' },
      { path: 'body.height', message: 'must be an integer from 1 to 4096' },
      { path: 'body.clickUrl', message: 'must be an http or https URL' },
    ]);
    expect(errorsOf(await upload(imageFields(advertiserId)))).toEqual([{ path: 'body.file', message: 'is required' }]);
    expect(errorsOf(await upload({ ...imageFields(advertiserId), colour: 'red' }, await pngOf(300, 250)))).toEqual([
      { path: 'body.colour', message: 'is not a known field' },
    ]);
    const twice = await multipartOf(imageFields(advertiserId), [{ bytes: await pngOf(300, 250) }, { bytes: await pngOf(300, 250) }]);
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/creatives',
      headers: { ...owner.headers, ...twice.headers },
      payload: twice.payload,
    });
    expect(errorsOf(response)).toEqual([{ path: 'body.file', message: 'must be sent once' }]);
    const whole = await multipartOf(imageFields(advertiserId), [{ bytes: await pngOf(300, 250) }]);
    const truncated = await h.app.inject({
      method: 'POST',
      url: '/api/v1/creatives',
      headers: { ...owner.headers, ...whole.headers },
      payload: whole.payload.subarray(0, whole.payload.byteLength - 200),
    });
    expect(errorsOf(truncated)[0]).toMatchObject({ path: expect.stringMatching(/^body/) });
    const trackers = Array.from({ length: 6 }, (_, i) => `https://t${i}.example/p`);
    expect(errorsOf(await upload(imageFields(advertiserId, { impressionTrackers: trackers }), await pngOf(300, 250)))).toEqual([
      { path: 'body.impressionTrackers', message: 'must have at most 5 items' },
    ]);
  });

  it('answers 413 for a file over 5 MiB, and 400 for an advertiser outside the tenant', async () => {
    const noise = await sharp(
      Buffer.alloc(1600 * 1200 * 3).map(() => Math.floor(Math.random() * 256)),
      {
        raw: { width: 1600, height: 1200, channels: 3 },
      },
    )
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(noise.byteLength).toBeGreaterThan(5 * 1024 * 1024);
    expect(errorsOf(await upload(imageFields(advertiserId, { width: '1600', height: '1200' }), noise), 413)).toEqual([
      { path: 'body.file', message: 'is larger than 5 MiB' },
    ]);
    expect(errorsOf(await upload(imageFields(newId()), await pngOf(300, 250)))).toEqual([
      { path: 'body.advertiserId', message: 'is not an advertiser of this organization' },
    ]);
    expect(errorsOf(await postJson(htmlCreative(newId())))).toEqual([
      { path: 'body.advertiserId', message: 'is not an advertiser of this organization' },
    ]);
  });

  it('reviews: approve and reject (reason required) for owners and admins only, content changes go back to pending', async () => {
    const { id } = (await postJson(htmlCreative(advertiserId))).json();
    const advertiserKey = bearer((await createKey(h.app, owner.headers, 'advertiser')).key);
    expectProblem(await h.app.inject({ method: 'POST', url: `/api/v1/creatives/${id}/approve`, headers: advertiserKey }), 403, 'FORBIDDEN');
    expect(errorsOf(await call('POST', `/api/v1/creatives/${id}/reject`, {}))).toEqual([{ path: 'body.reason', message: 'is required' }]);
    const rejected = await call('POST', `/api/v1/creatives/${id}/reject`, { reason: 'Landing page is down' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectionReason: 'Landing page is down', version: 2 });
    const approved = (await call('POST', `/api/v1/creatives/${id}/approve`)).json();
    expect(approved).toMatchObject({ status: 'approved', version: 3 });
    expect(approved.rejectionReason).toBeUndefined();
    expectProblem(await call('POST', `/api/v1/creatives/${id}/approve`), 409, 'CONFLICT');
    expect((await call('PATCH', `/api/v1/creatives/${id}`, { name: 'Renamed' })).json()).toMatchObject({ status: 'approved' });
    const changed = await call('PATCH', `/api/v1/creatives/${id}`, { html: '<p>New</p>' });
    expect(changed.json()).toMatchObject({ status: 'pending', html: '<p>New</p>', version: 5 });
    expect((await call('DELETE', `/api/v1/creatives/${id}`)).json()).toMatchObject({ status: 'archived' });
    expectProblem(await call('POST', `/api/v1/creatives/${id}/approve`), 409, 'CONFLICT');
    const audit = (await call('GET', `/api/v1/audit-log?resourceId=${id}`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual([
      'creative.archive',
      'creative.status',
      'creative.update',
      'creative.status',
      'creative.status',
      'creative.create',
    ]);
    expect(h.events.filter((e) => e.id === id).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('creates html, native and video creatives from JSON, each with its own body only', async () => {
    const html = await postJson(htmlCreative(advertiserId));
    expect(html.statusCode, html.body).toBe(201);
    expect(html.json()).toMatchObject({ format: 'html', width: 728, height: 90, html: '<div class="ad">Hello</div>', status: 'pending' });
    const common = { advertiserId, name: 'N', clickUrl: 'https://shop.example/' };
    const native = { title: 'Boots', imageUrl: 'https://cdn.example/b.jpg', sponsor: 'Acme', callToAction: 'Shop now' };
    expect((await postJson({ ...common, format: 'native', native })).json()).toMatchObject({ format: 'native', native });
    const video = {
      mediaFiles: [{ url: 'https://cdn.example/v.mp4', mimeType: 'video/mp4', width: 640, height: 360 }],
      durationSeconds: 15,
    };
    const created = await postJson({ ...common, format: 'video', width: 640, height: 360, video });
    expect(created.json()).toMatchObject({ format: 'video', video });
    const vast = await postJson({ ...common, format: 'video', video: { vastTagUrl: 'https://ads.example/vast.xml', durationSeconds: 30 } });
    expect(vast.statusCode).toBe(201);
  });

  it('refuses JSON creatives whose body does not fit their format, naming the fields', async () => {
    const common = { advertiserId, name: 'N', clickUrl: 'https://shop.example/' };
    expect(errorsOf(await postJson({ ...common, format: 'html', html: '<b>x</b>', native: { title: 'T' } }))).toEqual([
      { path: 'body.native.imageUrl', message: 'is required' },
      { path: 'body.native.sponsor', message: 'is required' },
    ]);
    expect(errorsOf(await postJson({ ...common, format: 'html', html: '<b>x</b>' }))).toEqual([
      { path: 'body.width', message: 'is required for html creatives' },
    ]);
    expect(errorsOf(await postJson({ ...common, format: 'native', width: 300, height: 250, html: '<b>x</b>' }))).toEqual([
      { path: 'body.html', message: 'is only for html creatives' },
      { path: 'body.native', message: 'is required for native creatives' },
    ]);
    const both = { vastTagUrl: 'https://ads.example/vast.xml', mediaFiles: [], durationSeconds: 30 };
    expect(errorsOf(await postJson({ ...common, format: 'video', video: both })).map((e) => e.path)).toEqual(['body.video.mediaFiles']);
    expect(errorsOf(await postJson({ ...common, format: 'video', video: { durationSeconds: 30 } }))).toEqual([
      { path: 'body.video', message: 'must have either vastTagUrl or mediaFiles' },
    ]);
    expect(errorsOf(await postJson({ ...htmlCreative(advertiserId), clickUrl: 'ftp://x.example/' }))[0]?.path).toBe('body.clickUrl');
    expect(errorsOf(await postJson({ ...htmlCreative(advertiserId), impressionTrackers: ['http://t.example/p'] }))[0]?.path).toBe(
      'body.impressionTrackers[0]',
    );
    expect(errorsOf(await postJson({ ...htmlCreative(advertiserId), width: 300.5 }))[0]?.path).toBe('body.width');
    expect(errorsOf(await postJson({ ...htmlCreative(advertiserId), format: 'image' }))[0]?.path).toBe('body.format');
  });

  it('keeps an image creative’s size and file out of PATCH', async () => {
    const { id } = (await upload(imageFields(advertiserId), await pngOf(300, 250))).json();
    expect(errorsOf(await call('PATCH', `/api/v1/creatives/${id}`, { width: 320 }))).toEqual([
      { path: 'body.width', message: 'cannot change on an image creative; upload a new creative instead' },
    ]);
    const tracked = await call('PATCH', `/api/v1/creatives/${id}`, { impressionTrackers: ['https://t.example/p'] });
    expect(tracked.json()).toMatchObject({ status: 'pending', impressionTrackers: ['https://t.example/p'], version: 2 });
  });

  it('lists by status, advertiser, format and name, sorted', async () => {
    const other = (await call('POST', '/api/v1/advertisers', { name: 'Other', currency: 'EUR' })).json().id;
    await postJson({ ...htmlCreative(other), name: 'Zebra leaderboard' });
    const list = async (query: string) =>
      (await call('GET', `/api/v1/creatives?limit=200&${query}`)).json().items as {
        name: string;
        format: string;
        advertiserId: string;
        status: string;
      }[];
    expect((await list(`advertiserId=${other}`)).map((c) => c.name)).toEqual(['Zebra leaderboard']);
    expect((await list('format=image')).every((c) => c.format === 'image')).toBe(true);
    expect((await list('format=image')).length).toBeGreaterThan(0);
    expect((await list('status=archived')).every((c) => c.status === 'archived')).toBe(true);
    expect((await list('search=zebra')).map((c) => c.name)).toEqual(['Zebra leaderboard']);
    const names = (await list('sort=name&order=desc')).map((c) => c.name);
    expect(names).toEqual([...names].sort().reverse());
    expectProblem(await call('GET', '/api/v1/creatives?format=flash'), 400, 'VALIDATION_FAILED');
  });

  it('shows the line items that rotate a creative', async () => {
    const { id } = (await postJson(htmlCreative(advertiserId))).json();
    expect((await call('GET', `/api/v1/creatives/${id}`)).json().lineItemIds).toEqual([]);
    const organizationId = (await call('GET', '/api/v1/me')).json().organization.id;
    const base = { scopeId: advertiserId, status: 'draft', createdAt: new Date() };
    const campaign = await h.store.resources.campaign.create(organizationId, {
      ...base,
      id: newId(),
      parentId: advertiserId,
      name: 'C',
      data: {},
    });
    const lineItem = await h.store.resources.line_item.create(organizationId, {
      ...base,
      id: newId(),
      parentId: campaign.id,
      name: 'L',
      data: {
        creatives: [
          { creativeId: newId(), weight: 1 },
          { creativeId: id, weight: 3 },
        ],
      },
    });
    expect((await call('GET', `/api/v1/creatives/${id}`)).json().lineItemIds).toEqual([lineItem.id]);
  });
});
