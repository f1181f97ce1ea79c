import { A, useParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { ResourceDetail } from '../components/resource-detail.js';
import { TagListForm } from '../components/tag-list-form.js';
import { FormError, StatusBadge, TextField } from '../components/ui.js';
import { acceptCategory } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, fieldError } from '../lib/forms.js';
import { usePage } from '../lib/resources.js';
import { can } from '../lib/session.js';
import type { Creative, LineItem } from '../lib/types.js';

/** The creative as it will appear: an image at its real pixel size, HTML in a sandbox of its size. */
function Preview(props: { creative: Creative }) {
  const c = () => props.creative;
  return (
    <div class="preview-frame scroll-x">
      <Show when={c().assets}>
        {(assets) => (
          <img
            src={assets().original.url}
            width={assets().original.width}
            height={assets().original.height}
            alt={`Creative ${c().name}`}
            class="real-size"
          />
        )}
      </Show>
      <Show when={c().format === 'html' && c().html}>
        <iframe
          title={`Creative ${c().name}`}
          sandbox=""
          srcdoc={c().html}
          width={c().width ?? 300}
          height={c().height ?? 250}
          class="real-size"
        />
      </Show>
      <Show when={c().native}>
        {(n) => (
          <div class="native">
            <img src={n().imageUrl} alt="" width="300" />
            <strong>{n().title}</strong>
            <span class="muted">Sponsored by {n().sponsor}</span>
          </div>
        )}
      </Show>
      <Show when={c().video}>{(v) => <p>Video, {v().durationSeconds} s</p>}</Show>
    </div>
  );
}

function Review(props: { creative: Creative }) {
  const [reason, setReason] = createSignal('');
  const path = () => `/api/v1/creatives/${props.creative.id}`;
  const approve = createSubmit(() => api.post(`${path()}/approve`), { invalidate: ['/api/v1/creatives'] });
  const reject = createSubmit(
    async () => {
      if (!reason().trim()) throw fieldError({ reason: 'Say why, so the advertiser can fix it' });
      return api.post(`${path()}/reject`, { reason: reason().trim() });
    },
    { invalidate: ['/api/v1/creatives'] },
  );
  return (
    <section class="card stack" aria-label="Review">
      <h2>Review</h2>
      <FormError error={approve.error()} />
      <div class="inline">
        <button type="button" disabled={approve.busy() || props.creative.status === 'approved'} onClick={() => void approve.submit()}>
          Approve
        </button>
      </div>
      <form class="stack" onSubmit={reject.submit} novalidate aria-label="Reject">
        <TextField label="Reason for rejecting" value={reason()} onValue={setReason} error={reject.errors()['reason']} />
        <div>
          <button type="submit" class="danger" disabled={reject.busy() || props.creative.status === 'rejected'}>
            Reject
          </button>
        </div>
      </form>
    </section>
  );
}

function UsedBy(props: { creativeId: string }) {
  const lineItems = usePage<LineItem>(
    () => '/api/v1/line-items',
    () => ({ creativeId: props.creativeId, limit: 100 }),
  );
  return (
    <section class="card" aria-label="Used by">
      <h2>Line items using it</h2>
      <Show
        when={(lineItems.data?.items.length ?? 0) > 0}
        fallback={<p class="muted">Not attached to any line item yet — attach it from a line item's page.</p>}
      >
        <ul class="plain">
          <For each={lineItems.data?.items}>
            {(item) => (
              <li class="inline">
                <A href={`/line-items/${item.id}`}>{item.name}</A> <StatusBadge status={item.status} />
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

export default function CreativePage() {
  const params = useParams();
  return (
    <ResourceDetail<Creative> path="/api/v1/creatives" id={params.id ?? ''} crumbs={() => [{ href: '/creatives', label: 'Creatives' }]}>
      {(c) => (
        <>
          <Show when={c().status === 'rejected' && c().rejectionReason}>
            <p class="banner danger">Rejected: {c().rejectionReason}</p>
          </Show>
          <section class="card stack" aria-label="Preview">
            <h2>Preview at real size</h2>
            <p class="muted">
              {c().format}
              {c().width ? ` · ${c().width} × ${c().height} px` : ''} · clicks go to <a href={c().clickUrl}>{c().clickUrl}</a>
            </p>
            <Preview creative={c()} />
          </section>
          <TagListForm
            title="Content categories"
            label="Categories"
            hint="What the ad is about, as IAB categories (IAB8-5): sent with every bid as cat, so a request that blocks one of them, or its parent (bcat), does not get this creative. Changing them sends it back to review."
            path={`/api/v1/creatives/${c().id}`}
            field="categories"
            values={c().categories}
            accept={acceptCategory}
            placeholder="IAB8-5"
            invalidate={['/api/v1/creatives']}
            canWrite={can('advertiserWrite')}
          />
          <Show when={can('operationsWrite')}>
            <Review creative={c()} />
          </Show>
          <UsedBy creativeId={c().id} />
        </>
      )}
    </ResourceDetail>
  );
}
