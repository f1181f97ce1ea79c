import { A } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { For, Match, Show, Switch } from 'solid-js';
import { TimeChart } from '../components/chart.js';
import { PageHeader } from '../components/ui.js';
import { api } from '../lib/api.js';
import { isoDay } from '../lib/dates.js';
import { createLiveStats } from '../lib/live-stats.js';
import { formatMicros } from '../lib/money.js';
import { accessLimit, can } from '../lib/session.js';

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

/** The organization's traffic second by second (GET /api/v1/stats/live). */
function LiveTraffic() {
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
  return (
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
  );
}

/** Live stats cover the whole organization: a credential limited to some advertisers or publishers is refused them (ADR 0017). */
function LiveTrafficOutsideLimit() {
  return (
    <section aria-label="Live traffic" class="card stack">
      <h2>Live traffic</h2>
      <p class="muted">
        Live traffic covers the whole organization, and your access is limited to some {accessLimit()?.side}s: the figures below are yours
        alone.
      </p>
    </section>
  );
}

/**
 * What "Today" lists: campaigns by spend; for a caller limited to some
 * publishers, which may not read what advertisers paid (ADR 0017), its
 * placements by what they earned.
 */
const TODAY = {
  buyer: { dimension: 'campaign', money: 'spend', label: 'Campaign', moneyLabel: 'Spend', path: '/campaigns' },
  seller: { dimension: 'placement', money: 'revenue', label: 'Placement', moneyLabel: 'Revenue', path: '/placements' },
} as const;

export default function Overview() {
  const today = isoDay(new Date());
  const view = accessLimit()?.side === 'publisher' ? TODAY.seller : TODAY.buyer;
  const report = useQuery(() => ({
    queryKey: ['/api/v1/reports', 'overview', today, view.dimension],
    queryFn: () =>
      api.post<ReportAnswer>('/api/v1/reports', {
        dimensions: [view.dimension],
        metrics: ['impressions', 'clicks', view.money],
        from: today,
        to: today,
        sort: [{ by: view.money, direction: 'desc' }],
        limit: 5,
      }),
    refetchInterval: 30_000,
    retry: false,
  }));
  const named = useQuery(() => ({
    queryKey: [`/api/v1${view.path}`, { limit: 200 }],
    queryFn: () => api.get<{ items: { id: string; name: string }[] }>(`/api/v1${view.path}`, { limit: 200 }),
    enabled: can(view === TODAY.seller ? 'publisherRead' : 'advertiserRead'),
  }));
  const nameOf = (id: unknown) => named.data?.items.find((c) => c.id === id)?.name ?? String(id ?? '—').slice(0, 8);
  return (
    <>
      <PageHeader title="Overview" />
      <Show when={can('liveStats')} fallback={<LiveTrafficOutsideLimit />}>
        <LiveTraffic />
      </Show>
      <section aria-label="Today" class="card stack">
        <h2>Today</h2>
        <Show when={!report.isError} fallback={<p class="muted">Reports are unavailable on this server (no analytics store).</p>}>
          <div class="tiles">
            <Tile label={`${view.moneyLabel} today`} value={formatMicros(String(report.data?.totals[view.money] ?? '0'))} />
            <Tile label="Impressions today" value={String(report.data?.totals['impressions'] ?? 0)} />
            <Tile label="Clicks today" value={String(report.data?.totals['clicks'] ?? 0)} />
          </div>
          <h3>
            Top {view.label.toLowerCase()}s by {view.moneyLabel.toLowerCase()}
          </h3>
          <Show
            when={(report.data?.rows.length ?? 0) > 0}
            fallback={
              <Show when={view === TODAY.buyer} fallback={<p class="muted">No ads shown on your placements today yet.</p>}>
                <p class="muted">
                  No delivery today yet. <A href="/advertisers">Set up an advertiser and a campaign</A>, or run <code>npm run demo</code> to
                  see traffic.
                </p>
              </Show>
            }
          >
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{view.label}</th>
                  <th scope="col" class="num">
                    Impressions
                  </th>
                  <th scope="col" class="num">
                    Clicks
                  </th>
                  <th scope="col" class="num">
                    {view.moneyLabel}
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={report.data?.rows}>
                  {(row) => (
                    <tr>
                      <td>
                        <A href={`${view.path}/${row[view.dimension]}`}>{nameOf(row[view.dimension])}</A>
                      </td>
                      <td class="num">{row['impressions']}</td>
                      <td class="num">{row['clicks']}</td>
                      <td class="num">{formatMicros(String(row[view.money] ?? '0'))}</td>
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
