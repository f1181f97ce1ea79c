import { A, useParams } from '@solidjs/router';
import { useQuery } from '@tanstack/solid-query';
import { createSignal, For, Show } from 'solid-js';
import { MoneyInput, type MoneyValue, moneyValue } from '../components/money-input.js';
import { ResourceDetail } from '../components/resource-detail.js';
import { FormError, ProgressBar, SelectField, StatusBadge } from '../components/ui.js';
import { api } from '../lib/api.js';
import { isoDay } from '../lib/dates.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { formatMoney, microsToJson } from '../lib/money.js';
import { queryClient } from '../lib/query.js';
import { useAll, useResource } from '../lib/resources.js';
import { can } from '../lib/session.js';
import type { Advertiser, Campaign, Creative, LineItem } from '../lib/types.js';
import { MODELS, PRIORITIES } from './campaign.js';
import { createFlightState, FlightFieldsView } from './campaign-form.js';
import { TargetingSection } from './targeting-section.js';

function Settings(props: { item: LineItem; currency: string }) {
  const state = createFlightState(props.item);
  const [priority, setPriority] = createSignal(props.item.priority);
  const [model, setModel] = createSignal(props.item.pricing.model);
  const [bid, setBid] = createSignal<MoneyValue>(moneyValue(props.item.pricing.bidMicros));
  const form = createSubmit(
    async () => {
      const { fields, body } = state.body(true);
      const b = bid();
      if (b.error || b.micros === null) fields['pricing.bidMicros'] = b.error ?? 'Enter a bid';
      if (Object.keys(fields).length > 0 || b.micros === null) throw fieldError(fields);
      if (!body['startsAt']) body['startsAt'] = null;
      return api.patch(`/api/v1/line-items/${props.item.id}`, {
        ...body,
        priority: priority(),
        pricing: { model: model(), bidMicros: microsToJson(b.micros) },
      });
    },
    { invalidate: ['/api/v1/line-items'] },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="Line item settings">
      <h2>Settings</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <SelectField label="Priority" value={priority()} onValue={setPriority} options={PRIORITIES} error={form.errors()['priority']} />
        <SelectField label="Pricing" value={model()} onValue={setModel} options={MODELS} error={form.errors()['pricing.model']} />
        <MoneyInput label="Bid" currency={props.currency} value={bid()} onChange={setBid} error={form.errors()['pricing.bidMicros']} />
      </div>
      <FlightFieldsView state={state} currency={props.currency} errors={form.errors()} startOptional />
      <div>
        <button type="submit" disabled={form.busy() || !can('advertiserWrite')}>
          Save settings
        </button>
      </div>
    </form>
  );
}

function Creatives(props: { item: LineItem }) {
  const creatives = useAll<Creative>('/api/v1/creatives', () => ({ advertiserId: props.item.advertiserId }));
  const [choice, setChoice] = createSignal('');
  const byId = () => new Map((creatives.data?.items ?? []).map((c) => [c.id, c]));
  const attach = createSubmit(() => api.post(`/api/v1/line-items/${props.item.id}/creatives`, { creativeId: choice() }), {
    invalidate: ['/api/v1/line-items', '/api/v1/creatives'],
  });
  const detach = async (creativeId: string) => {
    await api.del(`/api/v1/line-items/${props.item.id}/creatives/${creativeId}`);
    await queryClient.invalidateQueries({ queryKey: ['/api/v1/line-items'] });
  };
  const available = () =>
    (creatives.data?.items ?? []).filter((c) => c.status !== 'archived' && !props.item.creatives.some((x) => x.creativeId === c.id));
  return (
    <section class="card stack" aria-label="Creatives">
      <h2>Creatives</h2>
      <Show
        when={props.item.creatives.length > 0}
        fallback={
          <p class="muted">
            No creatives attached. Attach an approved creative to activate this line item
            {(creatives.data?.items.length ?? 0) === 0 ? (
              <>
                {' '}
                — first <A href={`/creatives?advertiserId=${props.item.advertiserId}`}>upload one</A>
              </>
            ) : null}
            .
          </p>
        }
      >
        <ul class="plain">
          <For each={props.item.creatives}>
            {(link) => {
              const c = () => byId().get(link.creativeId);
              return (
                <li class="inline">
                  <A href={`/creatives/${link.creativeId}`}>{c()?.name ?? link.creativeId}</A>
                  <Show when={c()}>{(x) => <StatusBadge status={x().status} />}</Show>
                  <span class="muted">weight {link.weight}</span>
                  <Show when={can('advertiserWrite')}>
                    <button type="button" class="link" onClick={() => void detach(link.creativeId)}>
                      Detach
                    </button>
                  </Show>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <Show when={can('advertiserWrite') && available().length > 0}>
        <form class="inline" onSubmit={attach.submit} aria-label="Attach a creative">
          <SelectField
            label="Attach a creative"
            value={choice()}
            onValue={setChoice}
            options={[
              { value: '', label: 'Choose…' },
              ...available().map((c) => ({ value: c.id, label: `${c.name} (${c.status}${c.width ? `, ${c.width}×${c.height}` : ''})` })),
            ]}
            error={attach.errors()['creativeId']}
          />
          <button type="submit" disabled={!choice() || attach.busy()}>
            Attach
          </button>
        </form>
        <FormError error={attach.error()} />
      </Show>
    </section>
  );
}

/** Spent vs budget vs time elapsed, from the reports API over the flight. */
function Pacing(props: { item: LineItem; campaign: Campaign; currency: string }) {
  const start = () => props.item.startsAt ?? props.campaign.startsAt;
  const end = () => props.item.endsAt ?? props.campaign.endsAt;
  const spend = useQuery(() => ({
    queryKey: ['/api/v1/reports', 'pacing', props.item.id],
    queryFn: () =>
      api.post<{ totals: { spend?: string | null; impressions?: number } }>('/api/v1/reports', {
        dimensions: [],
        metrics: ['spend', 'impressions'],
        from: isoDay(new Date(start())),
        to: isoDay(new Date(Math.max(Date.now(), Date.parse(start())))),
        filters: { lineItemId: [props.item.id] },
      }),
    retry: false,
  }));
  const budget = () => props.item.totalBudgetMicros ?? props.campaign.totalBudgetMicros;
  const spent = () => BigInt(spend.data?.totals.spend ?? '0');
  const elapsed = () => {
    const e = end();
    if (!e) return null;
    const s = Date.parse(start());
    return Math.max(0, Math.min(1, (Date.now() - s) / (Date.parse(e) - s)));
  };
  const spentShare = () => {
    const b = budget();
    // A display ratio only: the amounts themselves stay exact.
    return b ? Number((spent() * 10_000n) / BigInt(b)) / 10_000 : 0;
  };
  return (
    <section class="card stack" aria-label="Pacing and delivery">
      <h2>Pacing and delivery</h2>
      <Show when={!spend.isError} fallback={<p class="muted">Delivery figures are unavailable (reports need the analytics store).</p>}>
        <p>
          Spent <strong>{formatMoney(spent(), props.currency)}</strong>
          {budget() ? <> of {formatMoney(budget(), props.currency)}</> : ' (no total budget)'} · {spend.data?.totals.impressions ?? 0}{' '}
          impressions
        </p>
        <Show when={budget()}>
          <ProgressBar
            label="Budget spent"
            value={spentShare()}
            tone={elapsed() !== null && spentShare() > (elapsed() ?? 0) + 0.1 ? 'warn' : 'ok'}
          />
        </Show>
        <Show when={elapsed() !== null}>
          <p class="muted">Flight time elapsed: {Math.round((elapsed() ?? 0) * 100)}%</p>
          <ProgressBar label="Flight time elapsed" value={elapsed() ?? 0} />
        </Show>
      </Show>
    </section>
  );
}

export default function LineItemPage() {
  const params = useParams();
  const item = useResource<LineItem>(
    () => '/api/v1/line-items',
    () => params.id ?? '',
  );
  const campaign = useResource<Campaign>(
    () => '/api/v1/campaigns',
    () => item.data?.campaignId ?? '',
  );
  const advertiser = useResource<Advertiser>(
    () => '/api/v1/advertisers',
    () => item.data?.advertiserId ?? '',
  );
  const currency = () => advertiser.data?.currency ?? '';
  return (
    <ResourceDetail<LineItem>
      path="/api/v1/line-items"
      id={params.id ?? ''}
      crumbs={(l) => [
        { href: `/advertisers/${l.advertiserId}`, label: advertiser.data?.name ?? 'Advertiser' },
        { href: `/campaigns/${l.campaignId}`, label: campaign.data?.name ?? 'Campaign' },
      ]}
      statusWrite="advertiserWrite"
    >
      {(l) => (
        <>
          <Show when={campaign.data?.status === 'draft' && l().status === 'active'}>
            <p class="banner warn">The campaign is still a draft: activate it too, or this line item does not deliver.</p>
          </Show>
          <Creatives item={l()} />
          <Show when={campaign.data}>{(c) => <Pacing item={l()} campaign={c()} currency={currency()} />}</Show>
          <Show when={advertiser.data}>
            <Settings item={l()} currency={currency()} />
          </Show>
          <TargetingSection path={`/api/v1/line-items/${l().id}`} value={l().targeting} invalidate={['/api/v1/line-items']} />
        </>
      )}
    </ResourceDetail>
  );
}
