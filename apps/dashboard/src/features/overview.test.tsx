import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, render, screen } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSession } from '../lib/session.js';
import Overview from './overview.js';

const ORG = { id: 'o', name: 'O', timezone: 'UTC' };

/** The API as the overview sees it for a key limited to publisher p1 (ADR 0017): its placement earned 1.25 today. */
async function showLimitedPublisher() {
  const requests: { url: string; body?: unknown }[] = [];
  vi.stubGlobal('EventSource', class {});
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    requests.push({ url, ...(init?.body ? { body: JSON.parse(String(init.body)) } : {}) });
    if (url === '/api/v1/me') {
      const apiKey = { id: 'k', name: 'k', advertiserIds: [], publisherIds: ['p1'] };
      return Response.json({ kind: 'api_key', role: 'publisher', isPlatformAdmin: false, organization: ORG, apiKey });
    }
    if (url === '/api/v1/reports') {
      const row = { placement: 'pl1', impressions: 3, clicks: 1, revenue: '1250000' };
      return Response.json({ rows: [row], totals: { impressions: 3, clicks: 1, revenue: '1250000' }, totalRows: 1, timeZone: 'UTC' });
    }
    if (url.startsWith('/api/v1/placements?')) return Response.json({ items: [{ id: 'pl1', name: 'Top MPU' }], nextCursor: null });
    return new Response(null, { status: 403 });
  });
  await loadSession();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const history = createMemoryHistory();
  history.set({ value: '/' });
  render(() => (
    <QueryClientProvider client={client}>
      <MemoryRouter history={history}>
        <Route path="*" component={Overview} />
      </MemoryRouter>
    </QueryClientProvider>
  ));
  return requests;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Overview for a caller limited to some publishers', () => {
  it('asks neither for the organization-wide live stats nor for what advertisers paid: its placements by revenue', async () => {
    const requests = await showLimitedPublisher();
    expect(await screen.findByRole('link', { name: 'Top MPU' })).toBeTruthy();
    expect(screen.getByText('Revenue today').nextElementSibling?.textContent).toContain('1.25');
    expect(screen.getByText(/Live traffic covers the whole organization/)).toBeTruthy();
    expect(requests.map((r) => r.url)).not.toContain('/api/v1/stats/live');
    expect(requests.find((r) => r.url === '/api/v1/reports')?.body).toMatchObject({
      dimensions: ['placement'],
      metrics: ['impressions', 'clicks', 'revenue'],
      sort: [{ by: 'revenue', direction: 'desc' }],
    });
  });
});
