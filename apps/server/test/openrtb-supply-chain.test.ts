import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { bearer, createHarness, createKey, createOrganization, type Harness, login, OPERATOR, type Session } from './harness.js';

/** /sellers.json (public, every organization's publishers) and the ads.txt lines of a publisher (its tenant only). */
let h: Harness;
let operator: Session;
let other: { owner: Session };

beforeAll(async () => {
  h = await createHarness();
  operator = await login(h.app, OPERATOR.email, OPERATOR.password);
  other = await createOrganization(h.app, operator, 'Other Press');
});

afterAll(() => h.close());

async function createPublisher(session: Session, body: object): Promise<string> {
  const response = await h.app.inject({ method: 'POST', url: '/api/v1/publishers', headers: session.headers, payload: body });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

describe('sellers.json and ads.txt', () => {
  it('lists the publishers of every organization, without sign-in, archived ones left out', async () => {
    const news = await createPublisher(operator, { name: 'Daily News', domain: 'News.Example', sellerType: 'PUBLISHER' });
    const network = await createPublisher(other.owner, { name: 'Ad Network', sellerType: 'INTERMEDIARY' });
    const gone = await createPublisher(operator, { name: 'Gone' });
    expect((await h.app.inject({ method: 'DELETE', url: `/api/v1/publishers/${gone}`, headers: operator.headers })).statusCode).toBe(200);

    const app = await buildApp(h.deps, {
      supplyChain: { operator: { contactEmail: 'ops@ads.example.com', contactAddress: '1 Main St' }, sellersJsonTtlMs: 0 },
    });
    try {
      const response = await app.inject({ method: 'GET', url: '/sellers.json' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['cache-control']).toMatch(/max-age=\d+/);
      const doc = response.json();
      expect(doc).toMatchObject({ version: '1.0', contact_email: 'ops@ads.example.com', contact_address: '1 Main St' });
      expect(doc.sellers).toEqual(
        expect.arrayContaining([
          { seller_id: news, seller_type: 'PUBLISHER', name: 'Daily News', domain: 'news.example' },
          { seller_id: network, seller_type: 'INTERMEDIARY', name: 'Ad Network' },
        ]),
      );
      expect(doc.sellers.map((s: { seller_id: string }) => s.seller_id)).not.toContain(gone);
    } finally {
      await app.close();
    }
  });

  it('serves a cached document until its time is up', async () => {
    const first = (await h.app.inject({ method: 'GET', url: '/sellers.json' })).json();
    const added = await createPublisher(operator, { name: 'Late Arrival' });
    const second = (await h.app.inject({ method: 'GET', url: '/sellers.json' })).json();
    expect(second).toEqual(first);
    expect(second.sellers.map((s: { seller_id: string }) => s.seller_id)).not.toContain(added);
  });

  it('gives a publisher its ads.txt lines, with the configured seller domain', async () => {
    const id = await createPublisher(operator, { name: 'Weekly', domain: 'weekly.example' });
    const app = await buildApp(h.deps, { supplyChain: { sellerDomain: 'ads.example.com', certificationAuthorityId: 'abc123' } });
    try {
      const key = await createKey(app, operator.headers, 'publisher');
      const response = await app.inject({ method: 'GET', url: `/api/v1/publishers/${id}/ads-txt`, headers: bearer(key.key) });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body.split('\n').slice(1)).toEqual([`ads.example.com, ${id}, DIRECT, abc123`, 'OWNERDOMAIN=weekly.example', '']);
    } finally {
      await app.close();
    }
  });

  it('answers 404 for another tenant’s publisher and 401 without credentials', async () => {
    const id = await createPublisher(operator, { name: 'Mine' });
    const foreign = await h.app.inject({ method: 'GET', url: `/api/v1/publishers/${id}/ads-txt`, headers: other.owner.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
    expect((await h.app.inject({ method: 'GET', url: `/api/v1/publishers/${id}/ads-txt` })).statusCode).toBe(401);
  });
});
