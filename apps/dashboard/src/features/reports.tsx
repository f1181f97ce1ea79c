import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { TimeChart } from '../components/chart.js';
import { CheckGroup } from '../components/tag-input.js';
import { ErrorBox, FormError, Loading, PageHeader, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { isoDay } from '../lib/dates.js';
import { createSubmit, errorUnder } from '../lib/forms.js';
import { formatMicros } from '../lib/money.js';
import { metricsFor, useReportFields } from '../lib/report-fields.js';
import { accessLimit } from '../lib/session.js';

// Which metrics are money or rates is how they are shown; which exist is the server's to say (lib/report-fields.ts).
const MONEY = new Set(['spend', 'revenue', 'ecpm', 'ecpc', 'cpa']);
const RATES = new Set(['fillRate', 'viewableRate', 'ctr', 'conversionRate']);

type Row = Record<string, string | number | null>;
interface Answer {
  rows: Row[];
  totals: Row;
  totalRows: number;
  timeZone: string;
}

export function formatCell(key: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (MONEY.has(key)) return formatMicros(String(value));
  if (RATES.has(key)) return `${(Number(value) * 100).toFixed(2)}%`;
  return String(value);
}

/** RFC 4180: quote every field that needs it; money stays in micros (exact), as the API returns it. */
export function toCsv(columns: string[], rows: Row[]): string {
  const quote = (v: string | number | null | undefined) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((c) => quote(row[c])).join(','))].join('\r\n') + '\r\n';
}

export default function Reports() {
  const today = new Date();
  const [from, setFrom] = createSignal(isoDay(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = createSignal(isoDay(today));
  const [dimensions, setDimensions] = createSignal<string[]>(['day']);
  const [metrics, setMetrics] = createSignal<string[]>(['impressions', 'clicks', 'ctr', 'spend']);
  const [answer, setAnswer] = createSignal<Answer | null>(null);
  const fields = useReportFields();
  // A caller limited to some advertisers or publishers is offered only its side's metrics (the server refuses the others).
  const offered = () => (fields.data ? metricsFor(fields.data, accessLimit()?.side) : []);
  createEffect(
    on(offered, (allowed) => {
      if (allowed.length > 0) setMetrics((chosen) => chosen.filter((m) => allowed.includes(m)));
    }),
  );
  const form = createSubmit(
    () => api.post<Answer>('/api/v1/reports', { dimensions: dimensions(), metrics: metrics(), from: from(), to: to(), limit: 1000 }),
    { onDone: setAnswer },
  );
  const columns = () => [...dimensions(), ...metrics()];
  const timeSeries = () => dimensions().length === 1 && (dimensions()[0] === 'day' || dimensions()[0] === 'hour');
  const chartMetric = () => metrics().find((m) => !RATES.has(m)) ?? metrics()[0] ?? 'impressions';
  const chartData = (): [number[], number[]] => {
    const rows = [...(answer()?.rows ?? [])].sort((a, b) =>
      String(a[dimensions()[0] ?? '']).localeCompare(String(b[dimensions()[0] ?? ''])),
    );
    const key = dimensions()[0] ?? 'day';
    return [
      rows.map((r) => Date.parse(key === 'day' ? `${r[key]}T00:00:00Z` : `${r[key]}:00Z`) / 1000),
      rows.map((r) =>
        MONEY.has(chartMetric()) ? Number(BigInt(String(r[chartMetric()] ?? '0')) / 1_000n) / 1000 : Number(r[chartMetric()] ?? 0),
      ),
    ];
  };
  const download = () => {
    const a = answer();
    if (!a) return;
    const blob = new Blob([toCsv(columns(), a.rows)], { type: 'text/csv' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `report-${from()}-${to()}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <>
      <PageHeader title="Reports" />
      <Show when={!fields.isError} fallback={<ErrorBox error={fields.error} retry={() => fields.refetch()} />}>
        <Show when={fields.data} fallback={<Loading />}>
          {(f) => (
            <form class="card stack" onSubmit={form.submit} novalidate aria-label="Report">
              <FormError error={form.error()} />
              <div class="grid2">
                <TextField label="From" type="date" value={from()} onValue={setFrom} error={form.errors()['from']} />
                <TextField label="To" type="date" value={to()} onValue={setTo} error={form.errors()['to']} />
              </div>
              <CheckGroup
                legend="Group by"
                options={f().dimensions.map((d) => ({ value: d, label: d }))}
                values={dimensions()}
                onChange={setDimensions}
                error={errorUnder(form.errors(), 'dimensions')}
              />
              <CheckGroup
                legend="Metrics"
                options={metricsFor(f(), accessLimit()?.side).map((m) => ({ value: m, label: m }))}
                values={metrics()}
                onChange={setMetrics}
                error={errorUnder(form.errors(), 'metrics')}
              />
              <div class="inline">
                <button type="submit" disabled={form.busy()}>
                  Run report
                </button>
                <button type="button" class="secondary" disabled={!answer()} onClick={download}>
                  Export CSV
                </button>
              </div>
            </form>
          )}
        </Show>
      </Show>
      <Show when={answer()}>
        {(a) => (
          <section class="card stack" aria-label="Report results">
            <p class="muted">
              {a().totalRows === 1 ? '1 row' : `${a().totalRows} rows`} · dates in {a().timeZone} · money in currency units (CSV: micros)
            </p>
            <Show when={timeSeries() && a().rows.length > 1}>
              <TimeChart
                label={`${chartMetric()} by ${dimensions()[0]}`}
                series={[{ label: chartMetric(), color: '#1d4ed8' }]}
                data={chartData}
              />
            </Show>
            <Show
              when={a().rows.length > 0}
              fallback={<p class="muted">No events in this range yet. Serve some ads (or run the demo) and come back.</p>}
            >
              <div class="scroll-x">
                <table class="table">
                  <thead>
                    <tr>
                      <For each={columns()}>
                        {(c) => (
                          <th scope="col" class={metrics().includes(c) ? 'num' : ''}>
                            {c}
                          </th>
                        )}
                      </For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={a().rows}>
                      {(row) => (
                        <tr>
                          <For each={columns()}>{(c) => <td class={metrics().includes(c) ? 'num' : ''}>{formatCell(c, row[c])}</td>}</For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                  <tfoot>
                    <tr>
                      <For each={columns()}>
                        {(c, i) => (
                          <td class={metrics().includes(c) ? 'num' : ''}>
                            {metrics().includes(c) ? formatCell(c, a().totals[c]) : i() === 0 ? 'Total' : ''}
                          </td>
                        )}
                      </For>
                    </tr>
                  </tfoot>
                </table>
              </div>
            </Show>
          </section>
        )}
      </Show>
    </>
  );
}
