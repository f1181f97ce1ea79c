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

/** Event lag and other figures from /metrics (Prometheus text): only the lines the page shows. */
async function metrics(): Promise<Record<string, number>> {
  const response = await fetch('/metrics');
  if (!response.ok) return {};
  const out: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    const m = /^(adplatform_[a-z_]*(?:lag|uptime|events)[a-z_]*)(?:\{[^}]*\})?\s+([0-9.e+-]+)$/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
  }
  return out;
}

export default function Health() {
  const ready = useQuery(() => ({ queryKey: ['/readyz'], queryFn: readyz, refetchInterval: 10_000 }));
  const figures = useQuery(() => ({ queryKey: ['/metrics'], queryFn: metrics, refetchInterval: 10_000, retry: false }));
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
        <h2>Event pipeline</h2>
        <Show when={Object.keys(figures.data ?? {}).length > 0} fallback={<p class="muted">No pipeline figures in /metrics yet.</p>}>
          <dl class="figures">
            <For each={Object.entries(figures.data ?? {})}>
              {([name, value]) => (
                <>
                  <dt>{name}</dt>
                  <dd>{value}</dd>
                </>
              )}
            </For>
          </dl>
        </Show>
      </section>
    </>
  );
}
