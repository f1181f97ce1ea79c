import { A, useNavigate, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { StatusActions } from '../components/status-actions.js';
import { ErrorBox, FormError, Loading, PageHeader, StatusBadge, shortDate } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { formatMoney } from '../lib/money.js';
import { useResource } from '../lib/resources.js';
import { can } from '../lib/session.js';
import { type Advertiser, type Campaign, FLIGHT_STATUSES } from '../lib/types.js';
import { createFlightState, FlightFieldsView } from './campaign-form.js';

function NewCampaignForm(props: { advertiser: Advertiser; onCreated: (c: Campaign) => void }) {
  const state = createFlightState({ startsAt: new Date().toISOString() });
  const form = createSubmit(
    async () => {
      const { fields, body } = state.body(false);
      if (Object.keys(fields).length > 0) throw fieldError(fields);
      return api.post<Campaign>('/api/v1/campaigns', { advertiserId: props.advertiser.id, ...body });
    },
    { invalidate: ['/api/v1/campaigns'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New campaign">
      <h2>New campaign</h2>
      <FormError error={form.error()} />
      <FlightFieldsView state={state} currency={props.advertiser.currency} errors={form.errors()} />
      <p class="hint">A campaign starts as a draft; set its targeting and line items, then activate it.</p>
      <div>
        <button type="submit" disabled={form.busy()}>
          Create campaign
        </button>
      </div>
    </form>
  );
}

export default function AdvertiserPage() {
  const params = useParams();
  const navigate = useNavigate();
  const advertiser = useResource<Advertiser>(
    () => '/api/v1/advertisers',
    () => params.id ?? '',
  );
  const [creating, setCreating] = createSignal(false);
  return (
    <Show when={!advertiser.isError} fallback={<ErrorBox error={advertiser.error} />}>
      <Show when={advertiser.data} fallback={<Loading />}>
        {(a) => (
          <>
            <PageHeader title={a().name} crumbs={[{ href: '/advertisers', label: 'Advertisers' }]}>
              <StatusBadge status={a().status} />
              <Show when={can('advertiserWrite')}>
                <StatusActions
                  path={`/api/v1/advertisers/${a().id}`}
                  status={a().status}
                  targets={['active', 'paused', 'archived']}
                  invalidate={['/api/v1/advertisers']}
                />
              </Show>
            </PageHeader>
            <p class="muted">
              Currency {a().currency} · created {shortDate(a().createdAt)} · <A href={`/creatives?advertiserId=${a().id}`}>Creatives</A>
            </p>
            <div class="row">
              <h2>Campaigns</h2>
              <Show when={can('advertiserWrite')}>
                <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
                  New campaign
                </button>
              </Show>
            </div>
            <Show when={creating()}>
              <NewCampaignForm advertiser={a()} onCreated={(c) => navigate(`/campaigns/${c.id}`)} />
            </Show>
            <ResourceList<Campaign>
              path="/api/v1/campaigns"
              label="Campaigns"
              statuses={FLIGHT_STATUSES}
              filters={() => ({ advertiserId: a().id })}
              href={(c) => `/campaigns/${c.id}`}
              columns={[
                { label: 'Name', render: (c) => c.name },
                { label: 'Status', render: (c) => <StatusBadge status={c.status} /> },
                { label: 'Flight', render: (c) => `${shortDate(c.startsAt)} → ${c.endsAt ? shortDate(c.endsAt) : 'open'}` },
                { label: 'Total budget', class: 'num', render: (c) => formatMoney(c.totalBudgetMicros, a().currency) },
              ]}
              empty={
                <p>
                  <strong>No campaigns yet</strong> — create one: it holds the flight dates, budget and targeting of its line items.{' '}
                  <Show when={can('advertiserWrite')}>
                    <button type="button" class="link" onClick={() => setCreating(true)}>
                      Create a campaign
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
