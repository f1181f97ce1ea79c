import { createSignal, Show } from 'solid-js';
import { MoneyInput, type MoneyValue, moneyValue } from '../components/money-input.js';
import { SelectField, TextField } from '../components/ui.js';
import { fromLocalInput, toLocalInput } from '../lib/dates.js';
import { errorUnder } from '../lib/forms.js';
import { microsToJson } from '../lib/money.js';
import type { FrequencyCap } from '../lib/types.js';

/** Fields shared by campaigns and line items: flight, budgets in currency units (sent as micros), pacing, a frequency cap. */
export interface FlightFields {
  name: string;
  startsAt: string | null;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
  pacing: 'even' | 'asap';
  frequencyCaps: FrequencyCap[];
}

export function createFlightState(initial?: Partial<FlightFields>) {
  const [name, setName] = createSignal(initial?.name ?? '');
  const [startsAt, setStartsAt] = createSignal(toLocalInput(initial?.startsAt ?? null));
  const [endsAt, setEndsAt] = createSignal(toLocalInput(initial?.endsAt ?? null));
  const [total, setTotal] = createSignal<MoneyValue>(moneyValue(initial?.totalBudgetMicros));
  const [daily, setDaily] = createSignal<MoneyValue>(moneyValue(initial?.dailyBudgetMicros));
  const [pacing, setPacing] = createSignal<'even' | 'asap'>(initial?.pacing ?? 'even');
  const cap = initial?.frequencyCaps?.[0];
  const [capCount, setCapCount] = createSignal(cap ? String(cap.count) : '');
  const [capUnit, setCapUnit] = createSignal<FrequencyCap['window']['unit']>(cap?.window.unit ?? 'day');
  return {
    name,
    setName,
    startsAt,
    setStartsAt,
    endsAt,
    setEndsAt,
    total,
    setTotal,
    daily,
    setDaily,
    pacing,
    setPacing,
    capCount,
    setCapCount,
    capUnit,
    setCapUnit,
    /** Local checks first (bad amounts, bad cap); then the body. `edit` sends nulls to clear. */
    body(edit: boolean): { fields: Record<string, string>; body: Record<string, unknown> } {
      const fields: Record<string, string> = {};
      if (total().error) fields['totalBudgetMicros'] = total().error ?? '';
      if (daily().error) fields['dailyBudgetMicros'] = daily().error ?? '';
      const count = Number(capCount());
      if (capCount() && !(Number.isInteger(count) && count >= 1)) fields['frequencyCaps'] = 'A whole number of times, 1 or more';
      const money = (v: MoneyValue) => (v.micros === null ? (edit ? null : undefined) : microsToJson(v.micros));
      const body: Record<string, unknown> = {
        name: name().trim(),
        startsAt: fromLocalInput(startsAt()),
        endsAt: fromLocalInput(endsAt()) ?? (edit ? null : undefined),
        totalBudgetMicros: money(total()),
        dailyBudgetMicros: money(daily()),
        pacing: pacing(),
        frequencyCaps: capCount() ? [{ count, window: { unit: capUnit() } }] : edit ? [] : undefined,
      };
      for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
      return { fields, body };
    },
  };
}

export function FlightFieldsView(props: {
  state: ReturnType<typeof createFlightState>;
  currency: string;
  errors: Record<string, string>;
  startOptional?: boolean;
}) {
  const s = props.state;
  return (
    <div class="grid2">
      <TextField label="Name" required value={s.name()} onValue={s.setName} error={props.errors['name']} />
      <TextField
        label={props.startOptional ? 'Starts (optional, else the campaign’s start)' : 'Starts'}
        type="datetime-local"
        value={s.startsAt()}
        onValue={s.setStartsAt}
        error={props.errors['startsAt']}
      />
      <TextField label="Ends (optional)" type="datetime-local" value={s.endsAt()} onValue={s.setEndsAt} error={props.errors['endsAt']} />
      <MoneyInput
        label="Total budget"
        currency={props.currency}
        optional
        value={s.total()}
        onChange={s.setTotal}
        error={props.errors['totalBudgetMicros']}
      />
      <MoneyInput
        label="Daily budget"
        currency={props.currency}
        optional
        value={s.daily()}
        onChange={s.setDaily}
        error={props.errors['dailyBudgetMicros']}
      />
      <SelectField
        label="Pacing"
        value={s.pacing()}
        onValue={s.setPacing}
        options={[
          { value: 'even', label: 'Even — spread over the flight' },
          { value: 'asap', label: 'As fast as possible' },
        ]}
        error={props.errors['pacing']}
      />
      <div class="inline cap">
        <TextField
          label="Frequency cap: at most (times)"
          inputMode="numeric"
          value={s.capCount()}
          onValue={s.setCapCount}
          placeholder="no cap"
          error={errorUnder(props.errors, 'frequencyCaps')}
        />
        <Show when={s.capCount()}>
          <SelectField
            label="per"
            value={s.capUnit()}
            onValue={s.setCapUnit}
            options={['minute', 'hour', 'day', 'week', 'month', 'lifetime'] as const}
          />
        </Show>
      </div>
    </div>
  );
}
