import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { FormError, PageHeader, ProgressBar, SelectField, shortDate, TextField } from '../components/ui.js';
import { api, upload } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { useAll } from '../lib/resources.js';
import { can } from '../lib/session.js';
import type { Segment } from '../lib/types.js';

function UploadMembers() {
  const segments = useAll<Segment>('/api/v1/segments', () => ({ status: ['active'] }));
  const [segmentId, setSegmentId] = createSignal('');
  const [file, setFile] = createSignal<File | null>(null);
  const [progress, setProgress] = createSignal<number | null>(null);
  const [result, setResult] = createSignal<{ added: number; total: number; rejected: number } | null>(null);
  const chosen = () => segmentId() || segments.data?.items[0]?.id || '';
  const form = createSubmit(
    async () => {
      const f = file();
      if (!f) throw fieldError({ file: 'Choose a CSV or NDJSON file with one user key per line' });
      const type = /\.(nd)?json$/i.test(f.name) ? 'application/x-ndjson' : 'text/csv';
      setProgress(0);
      try {
        return await upload<{ added: number; total: number; rejected: number }>(
          `/api/v1/segments/${chosen()}/members`,
          f,
          setProgress,
          type,
        );
      } finally {
        setProgress(null);
      }
    },
    { invalidate: ['/api/v1/segments'], onDone: setResult },
  );
  return (
    <Show when={(segments.data?.items.length ?? 0) > 0}>
      <form class="card stack" onSubmit={form.submit} novalidate aria-label="Upload members">
        <h2>Upload members</h2>
        <FormError error={form.error()} />
        <div class="grid2">
          <SelectField
            label="Segment"
            value={chosen()}
            onValue={setSegmentId}
            options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
          />
          <div class="field">
            <label for="segment-file">File (CSV or NDJSON, one user key per line)</label>
            <input
              id="segment-file"
              type="file"
              accept=".csv,.ndjson,.txt,text/csv"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
            <Show when={form.errors()['file']}>
              <small class="error">{form.errors()['file']}</small>
            </Show>
          </div>
        </div>
        <Show when={progress() !== null}>
          <ProgressBar label="Upload progress" value={progress() ?? 0} />
        </Show>
        <Show when={result()}>
          {(r) => <p role="status">{`Added ${r().added}, rejected ${r().rejected}; the segment now has ${r().total} members.`}</p>}
        </Show>
        <div>
          <button type="submit" disabled={form.busy()}>
            Upload
          </button>
        </div>
      </form>
    </Show>
  );
}

export default function Segments() {
  const [name, setName] = createSignal('');
  const form = createSubmit(() => api.post('/api/v1/segments', { name: name().trim() }), {
    invalidate: ['/api/v1/segments'],
    onDone: () => setName(''),
  });
  return (
    <>
      <PageHeader title="Audience segments" />
      <Show when={can('segmentsWrite')}>
        <form class="card inline" onSubmit={form.submit} novalidate aria-label="New segment">
          <TextField label="New segment name" value={name()} onValue={setName} error={form.errors()['name']} />
          <button type="submit" disabled={form.busy()}>
            Create segment
          </button>
        </form>
        <UploadMembers />
      </Show>
      <ResourceList<Segment>
        path="/api/v1/segments"
        label="Segments"
        statuses={['active', 'archived']}
        columns={[
          { label: 'Name', render: (s) => s.name },
          { label: 'Members', class: 'num', render: (s) => s.memberCount },
          { label: 'Members updated', render: (s) => shortDate(s.membersUpdatedAt) },
        ]}
        empty={
          <p>
            <strong>No segments yet</strong> — create one, upload the user keys of its members, then target it from a line item.
          </p>
        }
      />
    </>
  );
}
