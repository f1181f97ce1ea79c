import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { FormError, PageHeader, StatusBadge, TextField } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { can } from '../lib/session.js';

interface DemandPartner {
  id: string;
  name: string;
  status: string;
  endpointUrl: string;
  timeoutMs: number;
  bidAdjustment: number;
  qpsLimit: number;
  enabled: boolean;
}

export default function DemandPartners() {
  const [name, setName] = createSignal('');
  const [endpointUrl, setEndpointUrl] = createSignal('https://');
  const [timeoutMs, setTimeoutMs] = createSignal('200');
  const form = createSubmit(
    () => api.post('/api/v1/demand-partners', { name: name().trim(), endpointUrl: endpointUrl().trim(), timeoutMs: Number(timeoutMs()) }),
    { invalidate: ['/api/v1/demand-partners'], onDone: () => setName('') },
  );
  return (
    <>
      <PageHeader title="Demand partners" />
      <Show when={can('operationsWrite')}>
        <form class="card stack" onSubmit={form.submit} novalidate aria-label="New demand partner">
          <h2>Add an OpenRTB bidder</h2>
          <FormError error={form.error()} />
          <div class="grid2">
            <TextField label="Name" value={name()} onValue={setName} error={form.errors()['name']} />
            <TextField
              label="Bid endpoint URL"
              type="url"
              value={endpointUrl()}
              onValue={setEndpointUrl}
              error={form.errors()['endpointUrl']}
            />
            <TextField
              label="Timeout (ms)"
              inputMode="numeric"
              value={timeoutMs()}
              onValue={setTimeoutMs}
              error={form.errors()['timeoutMs']}
            />
          </div>
          <div>
            <button type="submit" disabled={form.busy()}>
              Add demand partner
            </button>
          </div>
        </form>
      </Show>
      <ResourceList<DemandPartner>
        path="/api/v1/demand-partners"
        label="Demand partners"
        statuses={['active', 'archived']}
        columns={[
          { label: 'Name', render: (d) => d.name },
          { label: 'Status', render: (d) => <StatusBadge status={d.enabled ? d.status : 'disabled'} /> },
          { label: 'Endpoint', render: (d) => <code>{d.endpointUrl}</code> },
          { label: 'Timeout', class: 'num', render: (d) => `${d.timeoutMs} ms` },
          { label: 'Bid adjustment', class: 'num', render: (d) => `×${d.bidAdjustment}` },
        ]}
        empty={
          <p>
            <strong>No demand partners yet</strong> — add an OpenRTB bidder's endpoint to let outside demand compete for your placements.
          </p>
        }
      />
    </>
  );
}
