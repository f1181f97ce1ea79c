import { createSignal, createUniqueId } from 'solid-js';
import { microsToInput, parseMoney } from '../lib/money.js';
import { Field } from './ui.js';

/** What a money input holds: exact micros when the text is a valid amount, else the reason it is not. */
export interface MoneyValue {
  micros: bigint | null;
  error: string | null;
}

export const moneyValue = (micros: bigint | number | null | undefined): MoneyValue => ({
  micros: micros === null || micros === undefined ? null : BigInt(micros),
  error: null,
});

/**
 * An amount typed in currency units ("12.50") and handed to the form as integer
 * micros (12500000n). The text stays as typed; a bad amount is explained next
 * to the field once the user leaves it (or the server's message, if it names it).
 */
export function MoneyInput(props: {
  label: string;
  currency: string;
  value: MoneyValue;
  onChange: (value: MoneyValue) => void;
  /** Empty is allowed (no budget); otherwise an amount is required. */
  optional?: boolean;
  /** The server's message for this field. */
  error?: string | undefined;
  hint?: string;
  id?: string;
}) {
  const id = props.id ?? createUniqueId();
  const [text, setText] = createSignal(microsToInput(props.value.micros));
  const [touched, setTouched] = createSignal(false);
  const update = (next: string) => {
    setText(next);
    if (next.trim() === '' && props.optional) return props.onChange({ micros: null, error: null });
    const parsed = parseMoney(next);
    props.onChange(parsed.ok ? { micros: parsed.micros, error: null } : { micros: null, error: parsed.message });
  };
  const error = () => (touched() ? props.value.error : null) ?? props.error;
  return (
    <Field label={`${props.label} (${props.currency})`} id={id} error={error() ?? undefined} {...(props.hint ? { hint: props.hint } : {})}>
      <div class="money">
        <input
          id={id}
          inputMode="decimal"
          autocomplete="off"
          value={text()}
          placeholder={props.optional ? 'no limit' : '0.00'}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={error() ? `${id}-error` : undefined}
          onInput={(event) => update(event.currentTarget.value)}
          onBlur={() => setTouched(true)}
        />
        <span class="unit" aria-hidden="true">
          {props.currency}
        </span>
      </div>
    </Field>
  );
}
