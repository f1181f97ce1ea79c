import { A } from '@solidjs/router';
import { createSignal, For, type JSX, Show } from 'solid-js';
import { usePage } from '../lib/resources.js';
import { ErrorBox, Loading } from './ui.js';

export interface Column<T> {
  label: string;
  render: (item: T) => JSX.Element;
  class?: string;
}

export interface ResourceListProps<T> {
  path: string;
  label: string;
  columns: Column<T>[];
  statuses?: readonly string[];
  filters?: () => Record<string, string | undefined>;
  href?: (item: T) => string;
  empty: JSX.Element;
  /** false for collections without search and sort (users). */
  searchable?: boolean;
}

/**
 * A searchable, filterable, paged table of one collection. The first column
 * links to the item when `href` is given. `empty` says what to do when there
 * is nothing yet (and is not shown when a filter hides everything).
 */
export function ResourceList<T extends { id: string; name?: string }>(props: ResourceListProps<T>) {
  const [search, setSearch] = createSignal('');
  const [status, setStatus] = createSignal('');
  const [cursors, setCursors] = createSignal<string[]>([]);
  const searchable = () => props.searchable !== false;
  const query = () => ({
    ...props.filters?.(),
    cursor: cursors().at(-1),
    limit: 25,
    ...(searchable()
      ? { search: search().trim() || undefined, status: status() ? [status()] : undefined, sort: 'createdAt', order: 'desc' }
      : {}),
  });
  const page = usePage<T>(() => props.path, query);
  const filtered = () => Boolean(search().trim() || status() || cursors().length);
  const reset = () => setCursors([]);
  return (
    <section class="list" aria-label={props.label}>
      <div class="filters" hidden={!searchable()}>
        <label>
          <span class="sr-only">Search {props.label}</span>
          <input
            type="search"
            placeholder={`Search ${props.label.toLowerCase()}`}
            value={search()}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              reset();
            }}
          />
        </label>
        <Show when={props.statuses}>
          <label>
            <span class="sr-only">Status</span>
            <select
              value={status()}
              onChange={(e) => {
                setStatus(e.currentTarget.value);
                reset();
              }}
            >
              <option value="">Any status</option>
              <For each={props.statuses}>{(s) => <option value={s}>{s}</option>}</For>
            </select>
          </label>
        </Show>
      </div>
      <Show when={!page.isError} fallback={<ErrorBox error={page.error} retry={() => page.refetch()} />}>
        <Show when={page.data} fallback={<Loading />}>
          {(data) => (
            <Show
              when={data().items.length > 0}
              fallback={filtered() ? <p class="muted">Nothing matches these filters.</p> : <div class="empty">{props.empty}</div>}
            >
              <div class="scroll-x">
                <table class="table">
                  <thead>
                    <tr>
                      <For each={props.columns}>
                        {(c) => (
                          <th scope="col" class={c.class}>
                            {c.label}
                          </th>
                        )}
                      </For>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={data().items}>
                      {(item) => (
                        <tr>
                          <For each={props.columns}>
                            {(c, i) => (
                              <td class={c.class}>
                                {i() === 0 && props.href ? <A href={props.href(item)}>{c.render(item)}</A> : c.render(item)}
                              </td>
                            )}
                          </For>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="pager">
                <button
                  type="button"
                  class="secondary"
                  disabled={cursors().length === 0}
                  onClick={() => setCursors(cursors().slice(0, -1))}
                >
                  Previous
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
                  Next
                </button>
              </div>
            </Show>
          )}
        </Show>
      </Show>
    </section>
  );
}
