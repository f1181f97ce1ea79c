import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { FormError, PageHeader, StatusBadge, shortDate, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { can } from '../lib/session.js';
import { ACCOUNT_STATUSES, type Publisher } from '../lib/types.js';

function NewPublisherForm(props: { onCreated: (p: Publisher) => void }) {
  const [name, setName] = createSignal('');
  const [domain, setDomain] = createSignal('');
  const form = createSubmit(
    () => api.post<Publisher>('/api/v1/publishers', { name: name().trim(), ...(domain().trim() ? { domain: domain().trim() } : {}) }),
    { invalidate: ['/api/v1/publishers'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New publisher">
      <h2>New publisher</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <TextField label="Name" value={name()} onValue={setName} error={form.errors()['name']} />
        <TextField label="Domain (optional, for sellers.json)" value={domain()} onValue={setDomain} error={form.errors()['domain']} />
      </div>
      <div>
        <button type="submit" disabled={form.busy()}>
          Create publisher
        </button>
      </div>
    </form>
  );
}

export default function Publishers() {
  const navigate = useNavigate();
  const [creating, setCreating] = createSignal(false);
  return (
    <>
      <PageHeader title="Publishers">
        <Show when={can('publisherCreate')}>
          <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
            New publisher
          </button>
        </Show>
      </PageHeader>
      <Show when={creating()}>
        <NewPublisherForm onCreated={(p) => navigate(`/publishers/${p.id}`)} />
      </Show>
      <ResourceList<Publisher>
        path="/api/v1/publishers"
        label="Publishers"
        statuses={ACCOUNT_STATUSES}
        href={(p) => `/publishers/${p.id}`}
        columns={[
          { label: 'Name', render: (p) => p.name },
          { label: 'Status', render: (p) => <StatusBadge status={p.status} /> },
          { label: 'Domain', render: (p) => p.domain ?? '—' },
          { label: 'Created', render: (p) => shortDate(p.createdAt) },
        ]}
        empty={
          <p>
            <strong>No publishers yet</strong> — a publisher owns the sites and apps where ads show. Create one, then a site and its
            placements.{' '}
            <Show when={can('publisherCreate')}>
              <button type="button" class="link" onClick={() => setCreating(true)}>
                Create a publisher
              </button>
            </Show>
          </p>
        }
      />
    </>
  );
}
