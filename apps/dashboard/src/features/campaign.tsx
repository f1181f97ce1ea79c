import { useNavigate, useParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { MoneyInput, type MoneyValue, moneyValue } from '../components/money-input.js';
import { ChildResources, ResourceDetail } from '../components/resource-detail.js';
import { FormError, SelectField, StatusBadge, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { formatMoney, microsToJson } from '../lib/money.js';
import { useResource } from '../lib/resources.js';
import { can } from '../lib/session.js';
import { type Advertiser, type Campaign, FLIGHT_STATUSES, type LineItem } from '../lib/types.js';
import { createFlightState, FlightFieldsView } from './campaign-form.js';
import { TargetingSection } from './targeting-section.js';

export const PRIORITIES = [
  { value: 'sponsorship', label: 'Sponsorship (always first)' },
  { value: 'standard', label: 'Standard (guaranteed)' },
  { value: 'price', label: 'Price priority' },
  { value: 'house', label: 'House (fills what is left)' },
] as const;
export const MODELS = [
  { value: 'cpm', label: 'CPM — per 1,000 impressions' },
  { value: 'cpc', label: 'CPC — per click' },
  { value: 'cpa', label: 'CPA — per conversion' },
] as const;

function NewLineItemForm(props: { campaign: Campaign; currency: string; onCreated: (l: LineItem) => void }) {
  const [name, setName] = createSignal('');
  const [priority, setPriority] = createSignal<LineItem['priority']>('standard');
  const [model, setModel] = createSignal<LineItem['pricing']['model']>('cpm');
  const [bid, setBid] = createSignal<MoneyValue>(moneyValue(null));
  const form = createSubmit(
    async () => {
      const b = bid();
      if (b.error || b.micros === null) throw fieldError({ 'pricing.bidMicros': b.error ?? 'Enter a bid' });
      return api.post<LineItem>('/api/v1/line-items', {
        campaignId: props.campaign.id,
        name: name().trim(),
        priority: priority(),
        pricing: { model: model(), bidMicros: microsToJson(b.micros) },
      });
    },
    { invalidate: ['/api/v1/line-items'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New line item">
      <h2>New line item</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <TextField label="Name" required value={name()} onValue={setName} error={form.errors()['name']} />
        <SelectField label="Priority" value={priority()} onValue={setPriority} options={PRIORITIES} error={form.errors()['priority']} />
        <SelectField label="Pricing" value={model()} onValue={setModel} options={MODELS} error={form.errors()['pricing.model']} />
        <MoneyInput
          label={model() === 'cpm' ? 'Bid per 1,000 impressions' : 'Bid'}
          currency={props.currency}
          value={bid()}
          onChange={setBid}
          error={form.errors()['pricing.bidMicros']}
        />
      </div>
      <div>
        <button type="submit" disabled={form.busy()}>
          Create line item
        </button>
      </div>
    </form>
  );
}

function CampaignSettings(props: { campaign: Campaign; currency: string }) {
  const state = createFlightState(props.campaign);
  const form = createSubmit(
    async () => {
      const { fields, body } = state.body(true);
      if (Object.keys(fields).length > 0) throw fieldError(fields);
      return api.patch(`/api/v1/campaigns/${props.campaign.id}`, body);
    },
    { invalidate: ['/api/v1/campaigns'] },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="Campaign settings">
      <h2>Settings</h2>
      <FormError error={form.error()} />
      <FlightFieldsView state={state} currency={props.currency} errors={form.errors()} />
      <p class="hint">Day-parts and frequency caps use the campaign's time zone, {props.campaign.timezone}.</p>
      <div>
        <button type="submit" disabled={form.busy() || !can('advertiserWrite')}>
          Save settings
        </button>
      </div>
    </form>
  );
}

export default function CampaignPage() {
  const params = useParams();
  const navigate = useNavigate();
  const campaign = useResource<Campaign>(
    () => '/api/v1/campaigns',
    () => params.id ?? '',
  );
  const advertiser = useResource<Advertiser>(
    () => '/api/v1/advertisers',
    () => campaign.data?.advertiserId ?? '',
  );
  const currency = () => advertiser.data?.currency ?? '';
  return (
    <ResourceDetail<Campaign>
      path="/api/v1/campaigns"
      id={params.id ?? ''}
      crumbs={(c) => [
        { href: '/advertisers', label: 'Advertisers' },
        { href: `/advertisers/${c.advertiserId}`, label: advertiser.data?.name ?? 'Advertiser' },
      ]}
      statusWrite="advertiserWrite"
    >
      {(c) => (
        <>
          <ChildResources<LineItem>
            heading="Line items"
            newLabel="New line item"
            createLabel="Create a line item"
            canCreate={can('advertiserWrite')}
            form={<NewLineItemForm campaign={c()} currency={currency()} onCreated={(l) => navigate(`/line-items/${l.id}`)} />}
            path="/api/v1/line-items"
            label="Line items"
            statuses={FLIGHT_STATUSES}
            filters={() => ({ campaignId: c().id })}
            href={(l) => `/line-items/${l.id}`}
            columns={[
              { label: 'Name', render: (l) => l.name },
              { label: 'Status', render: (l) => <StatusBadge status={l.status} /> },
              { label: 'Priority', render: (l) => l.priority },
              {
                label: 'Bid',
                class: 'num',
                render: (l) => `${formatMoney(l.pricing.bidMicros, currency())} ${l.pricing.model.toUpperCase()}`,
              },
              { label: 'Creatives', class: 'num', render: (l) => l.creatives.length },
            ]}
            empty={
              <>
                <strong>No line items yet</strong> — create one: a line item sets the price, priority and creatives that deliver.
              </>
            }
          />
          <Show when={advertiser.data}>
            <CampaignSettings campaign={c()} currency={currency()} />
          </Show>
          <TargetingSection path={`/api/v1/campaigns/${c().id}`} value={c().targeting} invalidate={['/api/v1/campaigns']} />
        </>
      )}
    </ResourceDetail>
  );
}
