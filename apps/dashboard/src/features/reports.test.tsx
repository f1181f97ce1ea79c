import { cleanup, render, screen } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('says so, with a retry, when the document cannot be read', async () => {
    show(new Response('upstream down', { status: 502 }));
    expect((await screen.findByRole('alert')).textContent).toContain('upstream down');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Run report' })).toBeNull();
  });
});
