import { cleanup, render, screen } from '@solidjs/testing-library';
import { QueryClient, QueryClientProvider } from '@tanstack/solid-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Health, { METRICS_REFUSED, pickFigures } from './health.js';

/** /metrics as the server writes it (prom-client's text), with the analytics consumer behind by 1,234 events. */
const METRICS = `# HELP adplatform_events_consumer_lag Events in the event log the consumer has not consumed yet
# TYPE adplatform_events_consumer_lag gauge
adplatform_events_consumer_lag{consumer="analytics"} 1234

# HELP adplatform_events_consumer_oldest_age_seconds Age of the oldest event the consumer has not consumed yet, seconds (0 when caught up)
# TYPE adplatform_events_consumer_oldest_age_seconds gauge
adplatform_events_consumer_oldest_age_seconds{consumer="analytics"} 95.5

# TYPE adplatform_tracking_events_total counter
adplatform_tracking_events_total{type="impression"} 42
adplatform_process_resident_memory_bytes 104857600
`;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('System health', () => {
  it('names the analytics lag in plain words, first among the pipeline figures', () => {
    const figures = pickFigures(METRICS, 0);
    expect(figures.slice(0, 2)).toEqual([
      ['Events waiting for analytics', '1,234'],
      ['Oldest waiting event', '96 s old'],
    ]);
    expect(figures).toContainEqual(['tracking events total', '42']);
    expect(figures.some(([name]) => name.includes('consumer'))).toBe(false);
  });

  it('says nothing about the oldest event when none waits, and nothing at all without the gauge', () => {
    const caughtUp = METRICS.replace('} 1234', '} 0').replace('} 95.5', '} 0');
    expect(pickFigures(caughtUp, 0).slice(0, 2)).toEqual([
      ['Events waiting for analytics', '0'],
      ['tracking events total', '42'],
    ]);
    expect(pickFigures('adplatform_tracking_events_total{type="click"} 3\n', 0)).toEqual([['tracking events total', '3']]);
  });

  /** Renders the page with /metrics answered by `metrics` and /readyz healthy; returns the query client to clear. */
  const renderHealth = (metrics: () => Response) => {
    vi.stubGlobal('fetch', async (url: string) =>
      url === '/metrics'
        ? metrics()
        : Response.json({ status: 'ok', version: '0.1.0', checks: { analytics: { status: 'ok', kind: 'duckdb' } } }),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(() => (
      <QueryClientProvider client={client}>
        <Health />
      </QueryClientProvider>
    ));
    return client;
  };

  it('shows the event lag from /metrics on the page', async () => {
    const client = renderHealth(() => new Response(METRICS, { headers: { 'content-type': 'text/plain; version=0.0.4' } }));
    const label = await screen.findByText('Events waiting for analytics');
    expect(label.tagName).toBe('DT');
    expect(label.nextElementSibling?.textContent).toBe('1,234');
    expect(screen.getByText('Oldest waiting event').nextElementSibling?.textContent).toBe('96 s old');
    client.clear();
  });

  for (const status of [401, 403]) {
    it(`says who may read the metrics instead of an error when /metrics answers ${status}`, async () => {
      const client = renderHealth(() =>
        Response.json(
          { status, code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' },
          { status, headers: { 'content-type': 'application/problem+json' } },
        ),
      );
      expect(await screen.findByText(METRICS_REFUSED)).toBeTruthy();
      expect(METRICS_REFUSED).toMatch(/^Metrics are available to owners and admins/);
      expect(screen.queryByText('No figures in /metrics yet.')).toBeNull();
      expect(screen.queryByRole('alert')).toBeNull();
      expect(await screen.findByText('duckdb')).toBeTruthy();
      client.clear();
    });
  }
});
