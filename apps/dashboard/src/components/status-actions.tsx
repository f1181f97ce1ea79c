import { For, Show } from 'solid-js';
import { api } from '../lib/api.js';
import { createSubmit } from '../lib/forms.js';
import { FormError } from './ui.js';

const LABELS: Record<string, string> = { active: 'Activate', paused: 'Pause', archived: 'Archive', draft: 'Back to draft' };

/** Status changes of one resource (PATCH {status}); the server refuses invalid transitions and says why. */
export function StatusActions(props: { path: string; status: string; targets: readonly string[]; invalidate: string[] }) {
  let next = '';
  const form = createSubmit(() => (next === 'archived' ? api.del(props.path) : api.patch(props.path, { status: next })), {
    invalidate: props.invalidate,
  });
  return (
    <div class="status-actions">
      <div class="inline">
        <For
          each={props.targets.filter(
            (t) => t !== props.status && props.status !== 'archived' && !(t === 'paused' && props.status === 'draft'),
          )}
        >
          {(target) => (
            <button
              type="button"
              class={target === 'active' ? '' : 'secondary'}
              disabled={form.busy()}
              onClick={() => {
                if (target === 'archived' && !confirm('Archive it? It stops delivering; nothing is deleted.')) return;
                next = target;
                void form.submit();
              }}
            >
              {props.status === 'paused' && target === 'active' ? 'Resume' : (LABELS[target] ?? target)}
            </button>
          )}
        </For>
      </div>
      <Show when={form.error()}>
        <FormError error={form.error()} />
        <Show when={Object.keys(form.errors()).length > 0}>
          <ul class="error">
            <For each={Object.entries(form.errors())}>{([path, message]) => <li>{`${path}: ${message}`}</li>}</For>
          </ul>
        </Show>
      </Show>
    </div>
  );
}
