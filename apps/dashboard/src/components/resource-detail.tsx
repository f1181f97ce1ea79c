import { type Accessor, createSignal, type JSX, Show, splitProps } from 'solid-js';
import { useResource } from '../lib/resources.js';
import { can, type Permission } from '../lib/session.js';
import { ResourceList, type ResourceListProps } from './resource-list.js';
import { StatusActions } from './status-actions.js';
import { ErrorBox, Loading, PageHeader, StatusBadge } from './ui.js';

/**
 * The frame of one resource's page: loads `${path}/${id}` (an error or a
 * spinner until it arrives), then a header with its name, breadcrumbs, status
 * and, for whoever holds `statusWrite`, the status changes; then `children`.
 */
export function ResourceDetail<T extends { id: string; name: string; status: string }>(props: {
  /** The collection, e.g. '/api/v1/advertisers'; also the query key the status changes invalidate. */
  path: string;
  id: string;
  crumbs: (item: T) => { href: string; label: string }[];
  /** Who may activate, pause and archive it; without it the status is only shown. */
  statusWrite?: Permission;
  children: (item: Accessor<T>) => JSX.Element;
}) {
  const resource = useResource<T>(
    () => props.path,
    () => props.id,
  );
  return (
    <Show when={!resource.isError} fallback={<ErrorBox error={resource.error} />}>
      <Show when={resource.data} fallback={<Loading />}>
        {(item) => (
          <>
            <PageHeader title={item().name} crumbs={props.crumbs(item())}>
              <StatusBadge status={item().status} />
              <Show when={props.statusWrite && can(props.statusWrite)}>
                <StatusActions
                  path={`${props.path}/${item().id}`}
                  status={item().status}
                  targets={['active', 'paused', 'archived']}
                  invalidate={[props.path]}
                />
              </Show>
            </PageHeader>
            {props.children(item)}
          </>
        )}
      </Show>
    </Show>
  );
}

/**
 * The resources under one parent (an advertiser's campaigns, a site's
 * placements): a heading with a "New …" button that opens `form`, and their
 * list, whose empty state says what they are and offers to create the first.
 */
export function ChildResources<T extends { id: string; name?: string }>(
  props: Omit<ResourceListProps<T>, 'empty'> & {
    heading: string;
    /** The button that opens the form, e.g. 'New campaign'. */
    newLabel: string;
    /** The link in the empty state, e.g. 'Create a campaign'. */
    createLabel: string;
    /** Whether the user may create one: without it neither button shows. */
    canCreate: boolean;
    /** The creation form, made when opened. */
    form: JSX.Element;
    /** What the empty state says before the link. */
    empty: JSX.Element;
  },
) {
  const [own, list] = splitProps(props, ['heading', 'newLabel', 'createLabel', 'canCreate', 'form', 'empty']);
  const [creating, setCreating] = createSignal(false);
  return (
    <>
      <div class="row">
        <h2>{own.heading}</h2>
        <Show when={own.canCreate}>
          <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
            {own.newLabel}
          </button>
        </Show>
      </div>
      <Show when={creating()}>{own.form}</Show>
      <ResourceList<T>
        {...list}
        empty={
          <p>
            {own.empty}{' '}
            <Show when={own.canCreate}>
              <button type="button" class="link" onClick={() => setCreating(true)}>
                {own.createLabel}
              </button>
            </Show>
          </p>
        }
      />
    </>
  );
}
