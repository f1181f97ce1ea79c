import { A } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { For, Match, Show, Switch } from 'solid-js';
import { TimeChart } from '../components/chart.js';
import { PageHeader } from '../components/ui.js';
import { api } from '../lib/api.js';
import { isoDay } from '../lib/dates.js';
import { createLiveStats } from '../lib/live-stats.js';
import { formatMicros } from '../lib/money.js';
import { can } from '../lib/session.js';
import type { Campaign } from '../lib/types.js';

interface ReportAnswer {
  rows: Record<string, string | number | null>[];
  totals: Record<string, string | number | null>;
}

function Tile(props: { label: string; value: string }) {
  return (
    <div class="tile">
      <span class="tile-label">{props.label}</span>
      <strong class="tile-value">{props.value}</strong>
    </div>
  );
}

export default function Overview() {
  const live = createLiveStats();
  const last = (n: number) => live.seconds().slice(-n);
  const perSecond = (key: 'requests' | 'impressions') => {
    const window = last(10);
    return window.length === 0 ? 0 : window.reduce((sum, s) => sum + s[key], 0) / window.length;
  };
  const fill = () => {
    const window = last(60);
    const requests = window.reduce((sum, s) => sum + s.requests, 0);
    return requests === 0 ? '—' : `${Math.round((window.reduce((sum, s) => sum + s.filled, 0) / requests) * 1000) / 10}%`;
  };
  const chartData = (): [number[], number[], number[]] => {
    const s = live.seconds();
    return [s.map((x) => x.t), s.map((x) => x.requests), s.map((x) => x.impressions)];
  };
  const today = isoDay(new Date());
  const report = useQuery(() => ({
    queryKey: ['/api/v1/reports', 'overview', today],
    queryFn: () =>
      api.post<ReportAnswer>('/api/v1/reports', {
        dimensions: ['campaign'],
        metrics: ['impressions', 'clicks', 'spend'],
        from: today,
        to: today,
        sort: [{ by: 'spend', direction: 'desc' }],
        limit: 5,
      }),
    refetchInterval: 30_000,
    retry: false,
  }));
  const campaigns = useQuery(() => ({
    queryKey: ['/api/v1/campaigns', { limit: 200 }],
    queryFn: () => api.get<{ items: Campaign[] }>('/api/v1/campaigns', { limit: 200 }),
    enabled: can('advertiserRead'),
  }));
  const campaignName = (id: unknown) => campaigns.data?.items.find((c) => c.id === id)?.name ?? String(id ?? '—').slice(0, 8);
  return (
    <>
      <PageHeader title="Overview" />
      <section aria-label="Live traffic" class="card stack">
        <div class="row">
          <h2>Live traffic</h2>
          <span class="muted" role="status">
            <Switch>
              <Match when={live.state() === 'live'}>● live, last 5 minutes</Match>
              <Match when={live.state() === 'connecting'}>connecting…</Match>
              <Match when={live.state() === 'reconnecting'}>reconnecting…</Match>
            </Switch>
          </span>
        </div>
        <Show
          when={live.state() !== 'unavailable'}
          fallback={
            <p class="banner warn">
              Live stats unavailable: this server does not stream them (GET /api/v1/stats/live). Today's figures below come from reports.
            </p>
          }
        >
          <div class="tiles">
            <Tile label="Requests / s" value={perSecond('requests').toFixed(1)} />
            <Tile label="Impressions / s" value={perSecond('impressions').toFixed(1)} />
            <Tile label="Fill rate (1 min)" value={fill()} />
          </div>
          <TimeChart
            label="Requests and impressions per second, last 5 minutes"
            series={[
              { label: 'Requests', color: '#1d4ed8' },
              { label: 'Impressions', color: '#047857' },
            ]}
            data={chartData}
          />
        </Show>
      </section>
      <section aria-label="Today" class="card stack">
        <h2>Today</h2>
        <Show when={!report.isError} fallback={<p class="muted">Reports are unavailable on this server (no analytics store).</p>}>
          <div class="tiles">
            <Tile label="Spend today" value={formatMicros(String(report.data?.totals['spend'] ?? '0'))} />
            <Tile label="Impressions today" value={String(report.data?.totals['impressions'] ?? 0)} />
            <Tile label="Clicks today" value={String(report.data?.totals['clicks'] ?? 0)} />
          </div>
          <h3>Top campaigns by spend</h3>
          <Show
            when={(report.data?.rows.length ?? 0) > 0}
            fallback={
              <p class="muted">
                No delivery today yet. <A href="/advertisers">Set up an advertiser and a campaign</A>, or run <code>npm run demo</code> to
                see traffic.
              </p>
            }
          >
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">Campaign</th>
                  <th scope="col" class="num">
                    Impressions
                  </th>
                  <th scope="col" class="num">
                    Clicks
                  </th>
                  <th scope="col" class="num">
                    Spend
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={report.data?.rows}>
                  {(row) => (
                    <tr>
                      <td>
                        <A href={`/campaigns/${row['campaign']}`}>{campaignName(row['campaign'])}</A>
                      </td>
                      <td class="num">{row['impressions']}</td>
                      <td class="num">{row['clicks']}</td>
                      <td class="num">{formatMicros(String(row['spend'] ?? '0'))}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </Show>
      </section>
    </>
  );
}
