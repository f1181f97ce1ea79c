import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { TagInput } from '../components/tag-input.js';
import { FormError, PageHeader, StatusBadge, shortDate, TextField } from '../components/ui.js';
import { acceptDomain } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, errorUnder } from '../lib/forms.js';
import { can } from '../lib/session.js';
import { ACCOUNT_STATUSES, type Advertiser } from '../lib/types.js';

export function NewAdvertiserForm(props: { onCreated: (a: Advertiser) => void }) {
  const [name, setName] = createSignal('');
  const [currency, setCurrency] = createSignal('USD');
  const [email, setEmail] = createSignal('');
  const [domains, setDomains] = createSignal<string[]>([]);
  const form = createSubmit(
    () =>
      api.post<Advertiser>('/api/v1/advertisers', {
        name: name().trim(),
        currency: currency().trim().toUpperCase(),
        ...(email().trim() ? { contact: { email: email().trim() } } : {}),
        ...(domains().length > 0 ? { domains: domains() } : {}),
      }),
    { invalidate: ['/api/v1/advertisers'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New advertiser">
      <h2>New advertiser</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <TextField label="Name" required value={name()} onValue={setName} error={form.errors()['name']} />
        <TextField
          label="Currency"
          hint="Three letters, e.g. USD or EUR. Budgets and bids are in this currency."
          maxLength={3}
          value={currency()}
          onValue={setCurrency}
          error={form.errors()['currency']}
        />
        <TextField
          label="Contact e-mail (optional)"
          type="email"
          value={email()}
          onValue={setEmail}
          error={form.errors()['contact.email']}
        />
      </div>
      <TagInput
        label="Domains (optional)"
        values={domains()}
        onChange={setDomains}
        accept={acceptDomain}
        placeholder="brand.example"
        error={errorUnder(form.errors(), 'domains')}
      />
      <div>
        <button type="submit" disabled={form.busy()}>
          Create advertiser
        </button>
      </div>
    </form>
  );
}

export default function Advertisers() {
  const navigate = useNavigate();
  const [creating, setCreating] = createSignal(false);
  return (
    <>
      <PageHeader title="Advertisers">
        <Show when={can('advertiserCreate')}>
          <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
            New advertiser
          </button>
        </Show>
      </PageHeader>
      <Show when={creating()}>
        <NewAdvertiserForm onCreated={(a) => navigate(`/advertisers/${a.id}`)} />
      </Show>
      <ResourceList<Advertiser>
        path="/api/v1/advertisers"
        label="Advertisers"
        statuses={ACCOUNT_STATUSES}
        href={(a) => `/advertisers/${a.id}`}
        columns={[
          { label: 'Name', render: (a) => a.name },
          { label: 'Status', render: (a) => <StatusBadge status={a.status} /> },
          { label: 'Currency', render: (a) => a.currency },
          { label: 'Created', render: (a) => shortDate(a.createdAt) },
        ]}
        empty={
          <p>
            <strong>No advertisers yet.</strong> An advertiser owns campaigns and creatives — create one to start selling.{' '}
            <Show when={can('advertiserCreate')}>
              <button type="button" class="link" onClick={() => setCreating(true)}>
                Create an advertiser
              </button>
            </Show>
          </p>
        }
      />
    </>
  );
}
