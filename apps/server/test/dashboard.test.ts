import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createHarness, expectProblem, type Harness } from './harness.js';

/** The dashboard's files served at `/` by the same process (a built dist made up here, and none at all). */
describe('dashboard serving', () => {
  let h: Harness;
  let dist: string;
  let built: FastifyInstance;
  let missing: FastifyInstance;

  beforeAll(async () => {
    h = await createHarness();
    dist = await mkdtemp(path.join(tmpdir(), 'adp-dashboard-'));
    await mkdir(path.join(dist, 'ui'));
    await writeFile(
      path.join(dist, 'index.html'),
      '<!doctype html><div id="root"></div><script type="module" src="/ui/index-abc123.js"></script>',
    );
    await writeFile(path.join(dist, 'ui', 'index-abc123.js'), 'console.log("app")');
    built = await buildApp(h.deps, { dashboard: { distDir: dist } });
    missing = await buildApp(h.deps, { dashboard: { distDir: path.join(dist, 'nothing-here') } });
  });

  afterAll(async () => {
    await built?.close();
    await missing?.close();
    await h?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('answers index.html for the root and for client routes, revalidated and with a strict CSP', async () => {
    for (const url of ['/', '/advertisers', '/campaigns/0193f1c2-6a8e-7c3b-9d41-2f5e8a7b6c10?tab=x']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.body).toContain('<div id="root">');
    }
  });

  it('serves hashed bundles as immutable and answers a matching If-None-Match with 304', async () => {
    const first = await built.inject({ method: 'GET', url: '/ui/index-abc123.js' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/javascript');
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const again = await built.inject({
      method: 'GET',
      url: '/ui/index-abc123.js',
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('keeps problem+json 404s for API, delivery and tracking paths and for missing files', async () => {
    for (const url of ['/api/v1/nothing', '/api/v2', '/v1/nope', '/t/nope', '/ui/index-old.js', '/favicon.ico']) {
      expectProblem(await built.inject({ method: 'GET', url }), 404, 'NOT_FOUND');
    }
    expectProblem(await built.inject({ method: 'POST', url: '/somewhere', payload: {} }), 404, 'NOT_FOUND');
  });

  it('says how to build the dashboard when its files are missing, and the API still answers', async () => {
    const response = await missing.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('The dashboard is not built');
    expect((await missing.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expectProblem(await missing.inject({ method: 'GET', url: '/api/v1/nothing' }), 404, 'NOT_FOUND');
  });
});
