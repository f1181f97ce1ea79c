import { A, useNavigate, useParams } from '@solidjs/router';
import { ChildResources, ResourceDetail } from '../components/resource-detail.js';
import { TagListForm } from '../components/tag-list-form.js';
import { FormError, StatusBadge, shortDate } from '../components/ui.js';
import { acceptDomain } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { formatMoney } from '../lib/money.js';
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
  return (
    <ResourceDetail<Advertiser>
      path="/api/v1/advertisers"
      id={params.id ?? ''}
      crumbs={() => [{ href: '/advertisers', label: 'Advertisers' }]}
      statusWrite="advertiserWrite"
    >
      {(a) => (
        <>
          <p class="muted">
            Currency {a().currency} · created {shortDate(a().createdAt)} · <A href={`/creatives?advertiserId=${a().id}`}>Creatives</A>
          </p>
          <ChildResources<Campaign>
            heading="Campaigns"
            newLabel="New campaign"
            createLabel="Create a campaign"
            canCreate={can('advertiserWrite')}
            form={<NewCampaignForm advertiser={a()} onCreated={(c) => navigate(`/campaigns/${c.id}`)} />}
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
              <>
                <strong>No campaigns yet</strong> — create one: it holds the flight dates, budget and targeting of its line items.
              </>
            }
          />
          <TagListForm
            title="Domains"
            label="Domains"
            hint="The advertiser's own domains (brand.example): sent with every bid as adomain, so an exchange or publisher that blocks them (badv) gets none of its ads."
            path={`/api/v1/advertisers/${a().id}`}
            field="domains"
            values={a().domains}
            accept={acceptDomain}
            placeholder="brand.example"
            invalidate={['/api/v1/advertisers']}
            canWrite={can('advertiserWrite')}
          />
        </>
      )}
    </ResourceDetail>
  );
}
