import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ERROR_CODES } from '@adplatform/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { PROBLEM_STATUS } from '../src/http/problem.js';
import { createHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('health, readiness, metrics, OpenAPI', () => {
  it('/healthz answers 200 and echoes a request id', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'probe-1' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toBe('probe-1');
  });

  it('/readyz reports each store, and 503 when the metadata store is down', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { metadata: { status: 'ok', kind: 'pglite' }, blobs: { status: 'ok', kind: 'files' } },
    });
    const down = await createHarness();
    await down.store.close();
    const response = await down.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.metadata.status).toBe('failing');
    await down.app.close();
  });

  it('/readyz is 503 when the blob store cannot be used', async () => {
    const { createFsBlobStore } = await import('@adplatform/adapter-blobs-fs');
    // A directory that can never be created: its parent is a file.
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'adp-readyz-')), 'not-a-directory');
    await writeFile(file, 'x');
    const app = await buildApp({ ...h.deps, blobs: createFsBlobStore({ dir: path.join(file, 'blobs') }) });
    try {
      const response = await app.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks).toMatchObject({ metadata: { status: 'ok' }, blobs: { status: 'failing', kind: 'files' } });
    } finally {
      await app.close();
      await rm(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('/metrics exposes a latency histogram per route pattern and process metrics', async () => {
    await h.app.inject({ method: 'GET', url: '/healthz' });
    await h.app.inject({ method: 'GET', url: '/api/v1/users/0190a000-0000-7000-8000-000000000000' });
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/adplatform_http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/healthz",status_code="200"\}/);
    expect(text).toContain('route="/api/v1/users/:id",status_code="401"');
    expect(text).toContain('adplatform_process_cpu_user_seconds_total');
  });

  it('serves an OpenAPI 3.1 document covering every API route, with problem responses', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.keys(doc.paths);
    for (const route of h.app.routeCatalog.filter((r) => r.url.startsWith('/api/'))) {
      const path = route.url.replaceAll(/:(\w+)/g, '{$1}');
      expect(documented, route.url).toContain(path);
    }
    expect(
      doc.paths['/api/v1/users'].post.responses['400']?.content ?? doc.paths['/api/v1/users'].post.responses['4XX']?.content,
    ).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('serves the API reference page at /docs', async () => {
    const response = await h.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});

describe('error catalog', () => {
  it('maps every error code to a status, and docs/errors.md documents each one', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of ERROR_CODES) {
      const { status } = PROBLEM_STATUS[code];
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
    const documented = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...ERROR_CODES].sort());
  });
});
