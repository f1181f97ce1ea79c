import { cleanup, render, screen } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSession } from '../lib/session.js';
import Reports from './reports.js';

const DOCUMENT = {
  paths: {
    '/api/v1/reports': {
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: {
                properties: {
                  dimensions: { items: { enum: ['day', 'region'] } },
                  metrics: { items: { enum: ['impressions', 'dwellTime'] } },
                },
              },
            },
          },
        },
      },
    },
  },
};

function show(openapi: Response) {
  const seen: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    seen.push(url);
    return url === '/openapi.json' ? openapi : new Response(null, { status: 404 });
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(() => (
    <QueryClientProvider client={client}>
      <Reports />
    </QueryClientProvider>
  ));
  return seen;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Reports', () => {
  it("offers the dimensions and metrics the server's OpenAPI document lists, and no others", async () => {
    const seen = show(Response.json(DOCUMENT));
    expect(await screen.findByRole('checkbox', { name: 'region' })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: 'dwellTime' })).toBeTruthy();
    expect(screen.getAllByRole('checkbox').map((box) => box.parentElement?.textContent)).toEqual([
      'day',
      'region',
      'impressions',
      'dwellTime',
    ]);
    expect(seen).toEqual(['/openapi.json']);
  });

  it('offers a key limited to some publishers only their metrics, and drops the others from the default choice', async () => {
    const doc = structuredClone(DOCUMENT);
    Object.assign(doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.properties.metrics, {
      items: { enum: ['impressions', 'clicks', 'ctr', 'spend', 'revenue'] },
      'x-metrics-of-limited-callers': {
        advertiser: ['impressions', 'clicks', 'ctr', 'spend'],
        publisher: ['impressions', 'clicks', 'ctr', 'revenue'],
      },
    });
    const posts: unknown[] = [];
    vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
      if (url === '/api/v1/me') {
        const apiKey = { id: 'k', name: 'k', advertiserIds: [], publisherIds: ['p1'] };
        return Response.json({
          kind: 'api_key',
          role: 'publisher',
          isPlatformAdmin: false,
          organization: { id: 'o', name: 'O', timezone: 'UTC' },
          apiKey,
        });
      }
      if (url === '/openapi.json') return Response.json(doc);
      posts.push(JSON.parse(String(init?.body)));
      return Response.json({ rows: [], totals: {}, totalRows: 0, timeZone: 'UTC' });
    });
    await loadSession();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(() => (
      <QueryClientProvider client={client}>
        <Reports />
      </QueryClientProvider>
    ));
    await screen.findByRole('checkbox', { name: 'revenue' });
    expect(screen.queryByRole('checkbox', { name: 'spend' })).toBeNull();
    screen.getByRole('button', { name: 'Run report' }).click();
    await vi.waitFor(() => expect(posts).toHaveLength(1));
    expect(posts[0]).toMatchObject({ metrics: ['impressions', 'clicks', 'ctr'] });
  });

  it('says so, with a retry, when the document cannot be read', async () => {
    show(new Response('upstream down', { status: 502 }));
    expect((await screen.findByRole('alert')).textContent).toContain('upstream down');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run report' })).toBeNull();
  });
});
