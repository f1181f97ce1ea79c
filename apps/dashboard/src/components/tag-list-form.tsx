import { createEffect, createSignal, For, Show } from 'solid-js';
import type { Accept } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, errorUnder } from '../lib/forms.js';
import { TagInput } from './tag-input.js';
import { FormError, SaveButton } from './ui.js';

/**
 * One list field of a resource (an advertiser's domains, a creative's
 * categories) on its page: edited as chips and saved with PATCH
 * `{ [field]: values }` (an empty list clears it); read-only without `canWrite`.
 */
export function TagListForm(props: {
  title: string;
  label: string;
  hint: string;
  /** The resource, e.g. /api/v1/advertisers/<id>. */
  path: string;
  field: string;
  values: readonly string[] | undefined;
  accept: Accept;
  placeholder: string;
  invalidate: string[];
  canWrite: boolean;
}) {
  const [values, setValues] = createSignal<string[]>([]);
  // Follows the saved list (after a save, or a change elsewhere) until it is edited again.
  createEffect(() => setValues([...(props.values ?? [])]));
  const [saved, setSaved] = createSignal(false);
  const form = createSubmit(() => api.patch(props.path, { [props.field]: values() }), {
    invalidate: props.invalidate,
    onDone: () => setSaved(true),
  });
  return (
    <section class="card stack" aria-label={props.title}>
      <h2>{props.title}</h2>
      <p class="hint">{props.hint}</p>
      <Show
        when={props.canWrite}
        fallback={
          <Show when={values().length > 0} fallback={<p class="muted">None.</p>}>
            <ul class="chips" aria-label={props.label}>
              <For each={values()}>{(value) => <li class="chip">{value}</li>}</For>
            </ul>
          </Show>
        }
      >
        <form class="stack" onSubmit={form.submit} novalidate>
          <FormError error={form.error()} />
          <TagInput
            label={props.label}
            values={values()}
            onChange={(next) => {
              setSaved(false);
              setValues(next);
            }}
            accept={props.accept}
            placeholder={props.placeholder}
            error={errorUnder(form.errors(), props.field)}
          />
          <div class="inline">
            <SaveButton label={`Save ${props.label.toLowerCase()}`} busy={form.busy()} saved={saved()} />
          </div>
        </form>
      </Show>
    </section>
  );
}
