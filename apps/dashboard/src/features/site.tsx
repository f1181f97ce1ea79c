import { useNavigate, useParams } from '@solidjs/router';
import { createSignal } from 'solid-js';
import { MoneyInput, type MoneyValue, moneyValue } from '../components/money-input.js';
import { ChildResources, ResourceDetail } from '../components/resource-detail.js';
import { CheckGroup, TagInput } from '../components/tag-input.js';
import { FormError, StatusBadge, TextField } from '../components/ui.js';
import { acceptSize } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, errorUnder, fieldError } from '../lib/forms.js';
import { formatMoney, microsToJson } from '../lib/money.js';
import { can } from '../lib/session.js';
import { ACCOUNT_STATUSES, type Placement, type Site } from '../lib/types.js';

function NewPlacementForm(props: { siteId: string; onCreated: (p: Placement) => void }) {
  const [name, setName] = createSignal('');
  const [formats, setFormats] = createSignal<string[]>(['image', 'html']);
  const [sizes, setSizes] = createSignal<string[]>(['300x250']);
  const [floor, setFloor] = createSignal<MoneyValue>(moneyValue(null));
  const form = createSubmit(
    async () => {
      if (floor().error) throw fieldError({ floorMicros: floor().error ?? '' });
      const f = floor().micros;
      return api.post<Placement>('/api/v1/placements', {
        siteId: props.siteId,
        name: name().trim(),
        formats: formats(),
        sizes: sizes().map((s) => {
          const [width, height] = s.split('x').map(Number);
          return { width, height };
        }),
        ...(f !== null ? { floorMicros: microsToJson(f) } : {}),
      });
    },
    { invalidate: ['/api/v1/placements'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New placement">
      <h2>New placement</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <TextField label="Name" value={name()} onValue={setName} error={form.errors()['name']} />
        <MoneyInput
          label="Floor price per 1,000 impressions"
          currency="CPM"
          optional
          value={floor()}
          onChange={setFloor}
          error={form.errors()['floorMicros']}
        />
      </div>
      <CheckGroup
        legend="Formats it accepts"
        options={['image', 'html', 'native', 'video'].map((v) => ({ value: v, label: v }))}
        values={formats()}
        onChange={setFormats}
        error={errorUnder(form.errors(), 'formats')}
      />
      <TagInput
        label="Sizes (width x height)"
        values={sizes()}
        onChange={setSizes}
        accept={acceptSize}
        placeholder="728x90"
        error={errorUnder(form.errors(), 'sizes')}
      />
      <div>
        <button type="submit" disabled={form.busy()}>
          Create placement
        </button>
      </div>
    </form>
  );
}

export default function SitePage() {
  const params = useParams();
  const navigate = useNavigate();
  return (
    <ResourceDetail<Site>
      path="/api/v1/sites"
      id={params.id ?? ''}
      crumbs={(s) => [
        { href: '/publishers', label: 'Publishers' },
        { href: `/publishers/${s.publisherId}`, label: 'Publisher' },
      ]}
    >
      {(s) => (
        <>
          <p class="muted">
            {s().type} · {s().domain ?? s().bundleId ?? 'no domain'}
          </p>
          <ChildResources<Placement>
            heading="Placements"
            newLabel="New placement"
            createLabel="Create a placement"
            canCreate={can('publisherWrite')}
            form={<NewPlacementForm siteId={s().id} onCreated={(p) => navigate(`/placements/${p.id}`)} />}
            path="/api/v1/placements"
            label="Placements"
            statuses={ACCOUNT_STATUSES}
            filters={() => ({ siteId: s().id })}
            href={(p) => `/placements/${p.id}`}
            columns={[
              { label: 'Name', render: (p) => p.name },
              { label: 'Status', render: (p) => <StatusBadge status={p.status} /> },
              { label: 'Formats', render: (p) => p.formats.join(', ') },
              { label: 'Sizes', render: (p) => p.sizes.map((z) => `${z.width}×${z.height}`).join(', ') || 'any' },
              { label: 'Floor', class: 'num', render: (p) => formatMoney(p.floorMicros) },
            ]}
            empty={
              <>
                <strong>No placements yet</strong> — a placement is one ad slot on a page; create one to get its ad tag.
              </>
            }
          />
        </>
      )}
    </ResourceDetail>
  );
}
