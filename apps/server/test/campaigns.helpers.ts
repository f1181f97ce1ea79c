import { newId } from '@adplatform/domain';
import { expect } from 'vitest';
import type { Harness, Session } from './harness.js';

/**
 * Helpers of the campaign, line-item and targeting tests. Creatives,
 * placements and segments are inserted straight into the store, in the shapes
 * their modules use, so these tests do not depend on those APIs.
 */
export const FLIGHT = { startsAt: '2026-12-01T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' };

export async function organizationOf(h: Harness, session: Session): Promise<string> {
  return (await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: session.headers })).json().organization.id;
}

export async function post(h: Harness, session: Session, url: string, payload: object) {
  return h.app.inject({ method: 'POST', url, headers: session.headers, payload });
}

export async function patch(h: Harness, session: Session, url: string, payload: object) {
  return h.app.inject({ method: 'PATCH', url, headers: session.headers, payload });
}

export async function get(h: Harness, session: Session, url: string) {
  return h.app.inject({ method: 'GET', url, headers: session.headers });
}

/** POSTs and returns the created resource, failing the test on anything but 201. */
export async function created(
  h: Harness,
  session: Session,
  url: string,
  payload: object,
): Promise<Record<string, unknown> & { id: string }> {
  const response = await post(h, session, url, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export const createAdvertiser = async (h: Harness, session: Session, name = 'Acme') =>
  (await created(h, session, '/api/v1/advertisers', { name, currency: 'USD' })).id;

export const createCampaign = async (h: Harness, session: Session, advertiserId: string, extra: object = {}) =>
  created(h, session, '/api/v1/campaigns', { advertiserId, name: 'Winter sale', ...FLIGHT, ...extra });

const at = new Date('2026-11-01T00:00:00Z');

/** A publisher, a site and a placement (the foreign keys need all three). */
export async function insertPlacement(
  h: Harness,
  organizationId: string,
  data: { sizes: { width: number; height: number }[]; formats: string[] },
  status = 'active',
): Promise<string> {
  const r = h.store.resources;
  const publisher = await r.publisher.create(organizationId, {
    id: newId(),
    parentId: null,
    scopeId: null,
    name: 'Pub',
    status: 'active',
    data: {},
    createdAt: at,
  });
  const site = await r.site.create(organizationId, {
    id: newId(),
    parentId: publisher.id,
    scopeId: publisher.id,
    name: 'news.example',
    status: 'active',
    data: { domain: 'news.example' },
    createdAt: at,
  });
  const placement = await r.placement.create(organizationId, {
    id: newId(),
    parentId: site.id,
    scopeId: publisher.id,
    name: 'Top banner',
    status,
    data,
    createdAt: at,
  });
  return placement.id;
}

export async function insertCreative(
  h: Harness,
  organizationId: string,
  advertiserId: string,
  options: { status?: string; format?: string; width?: number; height?: number } = {},
): Promise<string> {
  const { status = 'approved', format = 'image', ...size } = options;
  const creative = await h.store.resources.creative.create(organizationId, {
    id: newId(),
    parentId: advertiserId,
    scopeId: advertiserId,
    name: `${format} ${size.width ?? ''}x${size.height ?? ''}`,
    status,
    data: { format, ...size },
    createdAt: at,
  });
  return creative.id;
}

export async function insertSegment(h: Harness, organizationId: string): Promise<string> {
  const segment = await h.store.resources.segment.create(organizationId, {
    id: newId(),
    parentId: null,
    scopeId: null,
    name: 'Sports fans',
    status: 'active',
    data: {},
    createdAt: at,
  });
  return segment.id;
}

/** The `errors` of a problem+json answer with the given status and code. */
export function problemErrors(response: { statusCode: number; body: string; json(): unknown }, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { code: string; errors: { path: string; message: string }[] };
  expect(body.code).toBe(code);
  return body.errors;
}
