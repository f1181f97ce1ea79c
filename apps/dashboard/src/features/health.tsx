import { useQuery } from '@tanstack/solid-query';
import { For, Show } from 'solid-js';
import { ErrorBox, Loading, PageHeader, StatusBadge } from '../components/ui.js';

interface Ready {
  status: string;
  version: string;
  checks: Record<string, { status: string; kind: string; error?: string }>;
}

async function readyz(): Promise<Ready> {
  // 503 still carries the per-store answer.
  const response = await fetch('/readyz', { headers: { accept: 'application/json' } });
  return (await response.json()) as Ready;
}

/** Seconds in plain words: `42 s`, `3 min`, `2.5 h`. */
function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/**
 * The figures the page shows, from /metrics (Prometheus text): the analytics consumer's lag first
 * (events waiting, and how old the oldest is), then the event pipeline gauges, event-loop lag, memory, uptime.
 */
export function pickFigures(text: string, nowSeconds: number): [string, string][] {
  const values = new Map<string, number>();
  const byLabels = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(adplatform_[a-z0-9_]+)(\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
    if (!m?.[1] || !m[3] || m[1].endsWith('_bucket')) continue;
    byLabels.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
    if (!values.has(m[1])) values.set(m[1], Number(m[3]));
  }
  const out: [string, string][] = [];
  const waiting = byLabels.get('adplatform_events_consumer_lag{consumer="analytics"}');
  if (waiting !== undefined) out.push(['Events waiting for analytics', waiting.toLocaleString('en-US')]);
  const oldest = byLabels.get('adplatform_events_consumer_oldest_age_seconds{consumer="analytics"}');
  if (oldest !== undefined && waiting !== undefined && waiting > 0) out.push(['Oldest waiting event', `${duration(oldest)} old`]);
  for (const [name, value] of values) {
    if (
      /^adplatform_(events?|pipeline|analytics|ingest|tracking|decision)_/.test(name) &&
      !name.startsWith('adplatform_events_consumer_') &&
      !name.endsWith('_sum') &&
      !name.endsWith('_count')
    ) {
      out.push([name.replace(/^adplatform_/, '').replaceAll('_', ' '), String(Math.round(value * 1000) / 1000)]);
    }
  }
  const lag = values.get('adplatform_nodejs_eventloop_lag_p99_seconds');
  if (lag !== undefined) out.push(['event-loop lag p99', `${(lag * 1000).toFixed(1)} ms`]);
  const memory = values.get('adplatform_process_resident_memory_bytes');
  if (memory !== undefined) out.push(['resident memory', `${Math.round(memory / 1_048_576)} MiB`]);
  const started = values.get('adplatform_process_start_time_seconds');
  if (started !== undefined) out.push(['uptime', `${Math.round((nowSeconds - started) / 60)} min`]);
  return out;
}

/** The figures, or `refused` when the signed-in user may not read /metrics (401/403: ADR 0020). */
type Figures = { refused: false; figures: [string, string][] } | { refused: true };

export const METRICS_REFUSED = 'Metrics are available to owners and admins who operate the platform.';

async function metrics(): Promise<Figures> {
  const response = await fetch('/metrics');
  if (response.status === 401 || response.status === 403) return { refused: true };
  return { refused: false, figures: response.ok ? pickFigures(await response.text(), Date.now() / 1000) : [] };
}

export default function Health() {
  const ready = useQuery(() => ({ queryKey: ['/readyz'], queryFn: readyz, refetchInterval: 10_000 }));
  const figures = useQuery(() => ({ queryKey: ['/metrics'], queryFn: metrics, refetchInterval: 10_000, retry: false }));
  const shown = () => (figures.data && !figures.data.refused ? figures.data.figures : []);
  return (
    <>
      <PageHeader title="System health" />
      <Show when={!ready.isError} fallback={<ErrorBox error={ready.error} retry={() => ready.refetch()} />}>
        <Show when={ready.data} fallback={<Loading />}>
          {(r) => (
            <section class="card stack" aria-label="Readiness">
              <p>
                Overall: <StatusBadge status={r().status} /> · version <code>{r().version}</code>
              </p>
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">Store</th>
                    <th scope="col">Engine</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={Object.entries(r().checks)}>
                    {([name, check]) => (
                      <tr>
                        <td>{name}</td>
                        <td>{check.kind}</td>
                        <td>
                          <StatusBadge status={check.status} /> {check.error ?? ''}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </section>
          )}
        </Show>
      </Show>
      <section class="card stack" aria-label="Pipeline">
        <h2>Process and event pipeline</h2>
        <Show when={figures.data?.refused !== true} fallback={<p class="muted">{METRICS_REFUSED}</p>}>
          <Show when={shown().length > 0} fallback={<p class="muted">No figures in /metrics yet.</p>}>
            <dl class="figures">
              <For each={shown()}>
                {([name, value]) => (
                  <>
                    <dt>{name}</dt>
                    <dd>{value}</dd>
                  </>
                )}
              </For>
            </dl>
          </Show>
        </Show>
      </section>
    </>
  );
}
