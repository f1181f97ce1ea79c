import { createSignal, For, Show } from 'solid-js';
import { ErrorBox, Loading, PageHeader, shortDate } from '../components/ui.js';
import { usePage } from '../lib/resources.js';

interface Entry {
  id: string;
  actorKind: string;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  before: unknown;
  after: unknown;
  at: string;
}

export default function Audit() {
  const [resourceType, setResourceType] = createSignal('');
  const [cursors, setCursors] = createSignal<string[]>([]);
  const page = usePage<Entry>(
    () => '/api/v1/audit-log',
    () => ({ limit: 50, cursor: cursors().at(-1), resourceType: resourceType() || undefined }),
  );
  return (
    <>
      <PageHeader title="Audit log" />
      <div class="filters">
        <label>
          Resource type{' '}
          <select
            value={resourceType()}
            onChange={(e) => {
              setResourceType(e.currentTarget.value);
              setCursors([]);
            }}
          >
            <option value="">All</option>
            <For
              each={[
                'advertiser',
                'campaign',
                'line_item',
                'creative',
                'publisher',
                'site',
                'placement',
                'segment',
                'demand_partner',
                'user',
                'api_key',
              ]}
            >
              {(t) => <option value={t}>{t}</option>}
            </For>
          </select>
        </label>
      </div>
      <Show when={!page.isError} fallback={<ErrorBox error={page.error} />}>
        <Show when={page.data} fallback={<Loading />}>
          {(data) => (
            <Show
              when={data().items.length > 0}
              fallback={<p class="muted">No changes recorded yet. Every change made through the API or here appears in this log.</p>}
            >
              <ol class="audit">
                <For each={data().items}>
                  {(e) => (
                    <li>
                      <details>
                        <summary>
                          <time datetime={e.at}>{shortDate(e.at)}</time> · <strong>{e.action}</strong> {e.resourceType}{' '}
                          <code>{e.resourceId?.slice(0, 8) ?? ''}</code> by {e.actorKind}
                        </summary>
                        <div class="grid2">
                          <pre class="code">{JSON.stringify(e.before, null, 2)}</pre>
                          <pre class="code">{JSON.stringify(e.after, null, 2)}</pre>
                        </div>
                      </details>
                    </li>
                  )}
                </For>
              </ol>
              <div class="pager">
                <button
                  type="button"
                  class="secondary"
                  disabled={cursors().length === 0}
                  onClick={() => setCursors(cursors().slice(0, -1))}
                >
                  Newer
                </button>
                <button
                  type="button"
                  class="secondary"
                  disabled={!data().nextCursor}
                  onClick={() => {
                    const next = data().nextCursor;
                    if (next) setCursors([...cursors(), next]);
                  }}
                >
                  Older
                </button>
              </div>
            </Show>
          )}
        </Show>
      </Show>
    </>
  );
}
