import { createSignal, createUniqueId, For, Show } from 'solid-js';

/**
 * A list of short values typed one at a time (Enter, comma or the Add button),
 * shown as removable chips. `accept` turns the typed text into a value or
 * explains why it is refused; suggestions feed a native datalist.
 */
export function TagInput(props: {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  accept?: (text: string) => { value: string } | { error: string };
  display?: (value: string) => string;
  suggestions?: readonly { value: string; label: string }[];
  placeholder?: string;
  error?: string | undefined;
}) {
  const id = createUniqueId();
  const [text, setText] = createSignal('');
  const [localError, setLocalError] = createSignal<string | null>(null);
  const add = () => {
    const entries = text()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (entries.length === 0) return;
    const next = [...props.values];
    for (const entry of entries) {
      const result = props.accept ? props.accept(entry) : { value: entry };
      if ('error' in result) {
        setLocalError(result.error);
        return;
      }
      if (!next.includes(result.value)) next.push(result.value);
    }
    setLocalError(null);
    setText('');
    props.onChange(next);
  };
  const error = () => localError() ?? props.error;
  return (
    <div class="field tags" classList={{ invalid: Boolean(error()) }}>
      <label for={id}>{props.label}</label>
      <Show when={props.values.length > 0}>
        <ul class="chips" aria-label={`${props.label}: chosen`}>
          <For each={props.values}>
            {(value) => (
              <li class="chip">
                {props.display ? props.display(value) : value}
                <button
                  type="button"
                  class="chip-x"
                  aria-label={`Remove ${props.display ? props.display(value) : value}`}
                  onClick={() => props.onChange(props.values.filter((v) => v !== value))}
                >
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="inline">
        <input
          id={id}
          value={text()}
          placeholder={props.placeholder}
          list={props.suggestions ? `${id}-list` : undefined}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={error() ? `${id}-error` : undefined}
          onInput={(event) => setText(event.currentTarget.value)}
          onChange={(event) => {
            // Picking from the datalist fires change without Enter.
            if (props.suggestions?.some((s) => s.label === event.currentTarget.value)) add();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' || event.key === ',') {
              event.preventDefault();
              add();
            }
          }}
        />
        <button type="button" class="secondary" onClick={add}>
          Add
        </button>
      </div>
      <Show when={props.suggestions}>
        <datalist id={`${id}-list`}>
          <For each={props.suggestions}>{(s) => <option value={s.label} />}</For>
        </datalist>
      </Show>
      <Show when={error()}>
        <small id={`${id}-error`} class="error" role="alert">
          {error()}
        </small>
      </Show>
    </div>
  );
}

/** A set of checkboxes for a list of known values. */
export function CheckGroup(props: {
  legend: string;
  options: readonly { value: string; label: string }[];
  values: readonly string[];
  onChange: (values: string[]) => void;
  error?: string | undefined;
}) {
  const toggle = (value: string, on: boolean) => props.onChange(on ? [...props.values, value] : props.values.filter((v) => v !== value));
  return (
    <fieldset class="checks" classList={{ invalid: Boolean(props.error) }}>
      <legend>{props.legend}</legend>
      <For each={props.options}>
        {(option) => (
          <label class="check">
            <input
              type="checkbox"
              checked={props.values.includes(option.value)}
              onChange={(event) => toggle(option.value, event.currentTarget.checked)}
            />
            {option.label}
          </label>
        )}
      </For>
      <Show when={props.error}>
        <small class="error" role="alert">
          {props.error}
        </small>
      </Show>
    </fieldset>
  );
}
