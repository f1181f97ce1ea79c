import { useNavigate, useSearchParams } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ResourceList } from '../components/resource-list.js';
import { FormError, PageHeader, ProgressBar, SelectField, StatusBadge, shortDate, TextField } from '../components/ui.js';
import { api, upload } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { useAll } from '../lib/resources.js';
import { can } from '../lib/session.js';
import type { Advertiser, Creative } from '../lib/types.js';

async function imageSize(file: File): Promise<{ width: number; height: number } | null> {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  } catch {
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function NewCreativeForm(props: { advertiserId?: string; onCreated: (c: Creative) => void }) {
  const advertisers = useAll<Advertiser>('/api/v1/advertisers', () => ({ status: ['active'] }));
  const [advertiserId, setAdvertiserId] = createSignal(props.advertiserId ?? '');
  const [kind, setKind] = createSignal<'image' | 'html'>('image');
  const [name, setName] = createSignal('');
  const [clickUrl, setClickUrl] = createSignal('https://');
  const [file, setFile] = createSignal<File | null>(null);
  const [size, setSize] = createSignal<{ width: number; height: number } | null>(null);
  const [html, setHtml] = createSignal('');
  const [width, setWidth] = createSignal('300');
  const [height, setHeight] = createSignal('250');
  const [progress, setProgress] = createSignal<number | null>(null);
  const chosen = () => advertiserId() || advertisers.data?.items[0]?.id || '';
  const form = createSubmit(
    async () => {
      if (!chosen()) throw fieldError({ advertiserId: 'Create an advertiser first' });
      if (kind() === 'html') {
        return api.post<Creative>('/api/v1/creatives', {
          advertiserId: chosen(),
          name: name().trim(),
          format: 'html',
          clickUrl: clickUrl().trim(),
          html: html(),
          width: Number(width()),
          height: Number(height()),
        });
      }
      const f = file();
      const s = size();
      if (!f || !s) throw fieldError({ file: 'Choose a PNG, JPEG, GIF or WebP image' });
      const data = new FormData();
      data.append('advertiserId', chosen());
      data.append('name', name().trim());
      data.append('format', 'image');
      data.append('width', String(s.width));
      data.append('height', String(s.height));
      data.append('clickUrl', clickUrl().trim());
      data.append('file', f);
      setProgress(0);
      try {
        return await upload<Creative>('/api/v1/creatives', data, setProgress);
      } finally {
        setProgress(null);
      }
    },
    { invalidate: ['/api/v1/creatives'], onDone: props.onCreated },
  );
  return (
    <form class="card stack" onSubmit={form.submit} novalidate aria-label="New creative">
      <h2>New creative</h2>
      <FormError error={form.error()} />
      <div class="grid2">
        <SelectField
          label="Advertiser"
          value={chosen()}
          onValue={setAdvertiserId}
          options={(advertisers.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
          error={form.errors()['advertiserId']}
        />
        <SelectField
          label="Kind"
          value={kind()}
          onValue={setKind}
          options={[
            { value: 'image', label: 'Image (upload)' },
            { value: 'html', label: 'HTML' },
          ]}
        />
        <TextField label="Name" required value={name()} onValue={setName} error={form.errors()['name']} />
        <TextField label="Click-through URL" type="url" value={clickUrl()} onValue={setClickUrl} error={form.errors()['clickUrl']} />
      </div>
      <Show when={kind() === 'image'}>
        <div class="field" classList={{ invalid: Boolean(form.errors()['file'] ?? form.errors()['width']) }}>
          <label for="creative-file">Image file (PNG, JPEG, GIF or WebP)</label>
          <input
            id="creative-file"
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            onChange={async (event) => {
              const f = event.currentTarget.files?.[0] ?? null;
              setFile(f);
              setSize(f ? await imageSize(f) : null);
              if (f && !name()) setName(f.name.replace(/\.[a-z]+$/i, ''));
            }}
          />
          <Show when={size()}>{(s) => <small class="hint">{`${s().width} × ${s().height} pixels`}</small>}</Show>
          <Show when={form.errors()['file'] ?? form.errors()['width'] ?? form.errors()['height']}>
            {(message) => (
              <small class="error" role="alert">
                {message()}
              </small>
            )}
          </Show>
        </div>
        <Show when={progress() !== null}>
          <ProgressBar label="Upload progress" value={progress() ?? 0} />
        </Show>
      </Show>
      <Show when={kind() === 'html'}>
        <div class="grid2">
          <TextField label="Width (px)" inputMode="numeric" value={width()} onValue={setWidth} error={form.errors()['width']} />
          <TextField label="Height (px)" inputMode="numeric" value={height()} onValue={setHeight} error={form.errors()['height']} />
        </div>
        <div class="field">
          <label for="creative-html">HTML</label>
          <textarea id="creative-html" rows="6" value={html()} onInput={(e) => setHtml(e.currentTarget.value)} />
          <Show when={form.errors()['html']}>
            <small class="error">{form.errors()['html']}</small>
          </Show>
        </div>
      </Show>
      <p class="hint">New creatives wait for review: an owner or admin approves them before they can deliver.</p>
      <div>
        <button type="submit" disabled={form.busy()}>
          {progress() !== null ? `Uploading ${Math.round((progress() ?? 0) * 100)}%` : 'Create creative'}
        </button>
      </div>
    </form>
  );
}

export default function Creatives() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const advertiserId = () => (typeof params.advertiserId === 'string' ? params.advertiserId : undefined);
  const [creating, setCreating] = createSignal(false);
  return (
    <>
      <PageHeader title="Creatives">
        <Show when={can('advertiserWrite')}>
          <button type="button" onClick={() => setCreating(!creating())} aria-expanded={creating()}>
            New creative
          </button>
        </Show>
      </PageHeader>
      <Show when={creating()}>
        <NewCreativeForm {...(advertiserId() ? { advertiserId: advertiserId() } : {})} onCreated={(c) => navigate(`/creatives/${c.id}`)} />
      </Show>
      <ResourceList<Creative>
        path="/api/v1/creatives"
        label="Creatives"
        statuses={['pending', 'approved', 'rejected', 'archived']}
        filters={() => ({ advertiserId: advertiserId() })}
        href={(c) => `/creatives/${c.id}`}
        columns={[
          { label: 'Name', render: (c) => c.name },
          { label: 'Status', render: (c) => <StatusBadge status={c.status} /> },
          { label: 'Format', render: (c) => c.format },
          { label: 'Size', render: (c) => (c.width ? `${c.width}×${c.height}` : '—') },
          { label: 'Created', render: (c) => shortDate(c.createdAt) },
        ]}
        empty={
          <p>
            <strong>No creatives yet</strong> — upload an image (or paste HTML), then attach it to a line item.{' '}
            <Show when={can('advertiserWrite')}>
              <button type="button" class="link" onClick={() => setCreating(true)}>
                Upload a creative
              </button>
            </Show>
          </p>
        }
      />
    </>
  );
}
