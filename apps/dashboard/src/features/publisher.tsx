import { useNavigate, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { StatusActions } from '../components/status-actions.js';
import { ErrorBox, FormError, Loading, PageHeader, SelectField, StatusBadge, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { useResource } from '../lib/resources.js';
import { can } from '../lib/session.js';
import { ACCOUNT_STATUSES, type Publisher, type Site } from '../lib/types.js';

function NewSiteForm(props: { publisherId: string; onCreated: (s: Site) => void }) {
  const [name, setName] = createSignal('');
  const [type, setType] = createSignal<'site' | 'app'>('site');
  const [domain, setDomain] = createSignal('');
  const form = createSubmit(
    () =>
      api.post<Site>('/api/v1/sites', {
        publisherId: props.publisherId,
        name: name().trim(),
        type: type(),
        ...(domain().trim() ? (type() === 'site' ? { domain: domain().trim() } : { bundleId: domain().trim() }) : {}),
      }),
    { invalidate: ['/api/v1/sites'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New site or app">
      <h2>New site or app</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <TextField label="Name" value={name()} onValue={setName} error={form.errors()['name']} />
        <SelectField label="Type" value={type()} onValue={setType} options={['site', 'app'] as const} error={form.errors()['type']} />
        <TextField
          label={type() === 'site' ? 'Domain' : 'Bundle id'}
          placeholder={type() === 'site' ? 'news.example' : 'com.example.app'}
          value={domain()}
          onValue={setDomain}
          error={form.errors()['domain'] ?? form.errors()['bundleId']}
        />
      </div>
      <div>
        <button type="submit" disabled={form.busy()}>
          Create
        </button>
      </div>
    </form>
  );
}

export default function PublisherPage() {
  const params = useParams();
  const navigate = useNavigate();
  const publisher = useResource<Publisher>(
    () => '/api/v1/publishers',
    () => params.id ?? '',
  );
  const [creating, setCreating] = createSignal(false);
  return (
    <Show when={!publisher.isError} fallback={<ErrorBox error={publisher.error} />}>
      <Show when={publisher.data} fallback={<Loading />}>
        {(p) => (
          <>
            <PageHeader title={p().name} crumbs={[{ href: '/publishers', label: 'Publishers' }]}>
              <StatusBadge status={p().status} />
              <Show when={can('publisherWrite')}>
                <StatusActions
                  path={`/api/v1/publishers/${p().id}`}
                  status={p().status}
                  targets={['active', 'paused', 'archived']}
                  invalidate={['/api/v1/publishers']}
                />
              </Show>
            </PageHeader>
            <div class="row">
              <h2>Sites and apps</h2>
              <Show when={can('publisherWrite')}>
                <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
                  New site or app
                </button>
              </Show>
            </div>
            <Show when={creating()}>
              <NewSiteForm publisherId={p().id} onCreated={(s) => navigate(`/sites/${s.id}`)} />
            </Show>
            <ResourceList<Site>
              path="/api/v1/sites"
              label="Sites"
              statuses={ACCOUNT_STATUSES}
              filters={() => ({ publisherId: p().id })}
              href={(s) => `/sites/${s.id}`}
              columns={[
                { label: 'Name', render: (s) => s.name },
                { label: 'Status', render: (s) => <StatusBadge status={s.status} /> },
                { label: 'Type', render: (s) => s.type },
                { label: 'Domain or bundle', render: (s) => s.domain ?? s.bundleId ?? '—' },
              ]}
              empty={
                <p>
                  <strong>No sites or apps yet</strong> — add the site where the ads will show, then its placements.{' '}
                  <Show when={can('publisherWrite')}>
                    <button type="button" class="link" onClick={() => setCreating(true)}>
                      Add a site
                    </button>
                  </Show>
                </p>
              }
            />
          </>
        )}
      </Show>
    </Show>
  );
}
