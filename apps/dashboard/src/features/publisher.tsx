import { useNavigate, useParams } from '@solidjs/router';
import { createSignal } from 'solid-js';
import { FloorRulesEditor } from '../components/floor-rules-editor.js';
import { ChildResources, ResourceDetail } from '../components/resource-detail.js';
import { FormError, SelectField, StatusBadge, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
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
  return (
    <ResourceDetail<Publisher>
      path="/api/v1/publishers"
      id={params.id ?? ''}
      crumbs={() => [{ href: '/publishers', label: 'Publishers' }]}
      statusWrite="publisherWrite"
    >
      {(p) => (
        <>
          <ChildResources<Site>
            heading="Sites and apps"
            newLabel="New site or app"
            createLabel="Add a site"
            canCreate={can('publisherWrite')}
            form={<NewSiteForm publisherId={p().id} onCreated={(s) => navigate(`/sites/${s.id}`)} />}
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
              <>
                <strong>No sites or apps yet</strong> — add the site where the ads will show, then its placements.
              </>
            }
          />
          <FloorRulesEditor
            path={`/api/v1/publishers/${p().id}`}
            rules={p().floorRules}
            hint="Floors by country, device type and ad size for every placement of this publisher, after each placement's own rules: of the rules that match, the one with the most conditions wins (ties: the first listed)."
            invalidate={['/api/v1/publishers']}
            canWrite={can('publisherWrite')}
          />
        </>
      )}
    </ResourceDetail>
  );
}
