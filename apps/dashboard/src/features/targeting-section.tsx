import { createSignal } from 'solid-js';
import { TargetingEditor } from '../components/targeting-editor.js';
import { FormError } from '../components/ui.js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { useAll } from '../lib/resources.js';
import { can } from '../lib/session.js';
import { normalizeTargeting, type Targeting } from '../lib/targeting.js';
import type { Placement, Segment } from '../lib/types.js';

/** The targeting of a campaign or line item, edited and saved on its own (PATCH {targeting}). */
export function TargetingSection(props: { path: string; value: Targeting; invalidate: string[] }) {
  const [value, setValue] = createSignal<Targeting>(JSON.parse(JSON.stringify(props.value)) as Targeting);
  const segments = useAll<Segment>(
    '/api/v1/segments',
    () => ({ status: ['active'] }),
    () => can('segments'),
  );
  const placements = useAll<Placement>(
    '/api/v1/placements',
    () => ({ status: ['active'] }),
    () => can('publisherRead'),
  );
  const form = createSubmit(() => api.patch(props.path, { targeting: normalizeTargeting(value()) }), { invalidate: props.invalidate });
  const [saved, setSaved] = createSignal(false);
  return (
    <form
      class="card stack"
      aria-label="Targeting"
      novalidate
      onSubmit={async (event) => {
        setSaved(false);
        await form.submit(event);
        if (!form.error()) setSaved(true);
      }}
    >
      <h2>Targeting</h2>
      <FormError error={form.error()} />
      <TargetingEditor
        value={value()}
        onChange={(next) => {
          setSaved(false);
          setValue(next);
        }}
        segments={segments.data?.items ?? []}
        placements={placements.data?.items ?? []}
        errors={form.errors()}
      />
      <div class="inline">
        <button type="submit" disabled={form.busy() || !can('advertiserWrite')}>
          Save targeting
        </button>
        <span role="status" class="muted">
          {saved() ? 'Targeting saved.' : ''}
        </span>
      </div>
    </form>
  );
}
