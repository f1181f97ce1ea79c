import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalEventLog, type LocalEventLog } from '@adplatform/adapter-local-log';
import { newId } from '@adplatform/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createTrackingSigner } from '../src/delivery/tracking/tracking-signer.js';
import { buildTrackingUrls } from '../src/delivery/tracking/tracking-urls.js';
import {
  bearer,
  createHarness,
  createOrganization,
  expectProblem,
  type Harness,
  login,
  OPERATOR,
  TEST_TRACKING_SECRET,
} from './harness.js';

/**
 * Issue 5: a disk that refuses writes makes ingest answer 503 and say why, without corrupting what is
 * stored. The app runs on a real local event log whose segment file's writes fail on demand (ENOSPC).
 */
let h: Harness;
let app: FastifyInstance;
let log: LocalEventLog;
let dir: string;
let ingestKey: string;
let organizationId: string;
let full = false;

beforeAll(async () => {
  h = await createHarness();
  dir = await mkdtemp(path.join(tmpdir(), 'adp-enospc-'));
  log = await createLocalEventLog({
    dir,
    openForAppend: async (file) => {
      const handle = await open(file, 'a');
      const writev = handle.writev.bind(handle);
      handle.writev = (async (buffers: NodeJS.ArrayBufferView[], position?: number) => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return writev(buffers, position);
      }) as typeof handle.writev;
      return handle;
    },
  });
  app = await buildApp({ ...h.deps, eventLog: log }, { tracking: { secret: TEST_TRACKING_SECRET } });
  const operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  const org = await createOrganization(h.app, operator, 'Full Disk');
  organizationId = org.id;
  const key = await h.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: org.owner.headers,
    payload: { name: 'i', kind: 'ingest' },
  });
  ingestKey = key.json().key;
});
afterAll(async () => {
  await app.close();
  await log.close();
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (body: string) =>
  app.inject({
    method: 'POST',
    url: '/t/events',
    headers: { 'content-type': 'application/x-ndjson', ...bearer(ingestKey) },
    payload: body,
  });

describe('a full disk under the event log', () => {
  it('answers 503 problem+json on /t/events and /t/imp, and keeps what was acknowledged before', async () => {
    const at = h.clock.now().getTime() - 1_000;
    expect((await post(JSON.stringify({ type: 'click', at }))).statusCode).toBe(200);
    full = true;
    const refused = expectProblem(await post(JSON.stringify({ type: 'click', at })), 503, 'SERVICE_UNAVAILABLE');
    expect(refused.detail).toMatch(/retry/);
    const signer = createTrackingSigner({ secret: TEST_TRACKING_SECRET, ttlMs: 86_400_000, clock: h.clock });
    const token = signer.sign({
      decisionId: newId(),
      organizationId,
      advertiserId: newId(),
      campaignId: newId(),
      lineItemId: newId(),
      creativeId: newId(),
      publisherId: newId(),
      siteId: newId(),
      placementId: newId(),
      pricingModel: 'cpm',
      priceCpmMicros: 2_000_000,
      costMicros: 2_000,
      decidedAtMs: h.clock.now().getTime(),
    });
    const imp = expectProblem(
      await app.inject({ method: 'GET', url: buildTrackingUrls('', token).impressionUrl }),
      503,
      'SERVICE_UNAVAILABLE',
    );
    expect(imp.detail).toMatch(/disk is full \(ENOSPC\)/);
    full = false;
    // The refused impression was released: its URL counts once the disk has room again.
    expect((await app.inject({ method: 'GET', url: buildTrackingUrls('', token).impressionUrl })).statusCode).toBe(200);
    expect((await log.read(0, 10)).events.map((e) => e.type)).toEqual(['click', 'impression']);
  });
});
