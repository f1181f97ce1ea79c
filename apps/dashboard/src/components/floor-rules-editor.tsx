import { createEffect, createSignal, For, Show } from 'solid-js';
import { acceptCountry, acceptSize, countrySuggestions } from '../lib/accept.js';
import { api } from '../lib/api.js';
import { createSubmit, errorUnder, fieldError } from '../lib/forms.js';
import { formatMoney, microsToJson } from '../lib/money.js';
import { countryName, DEVICE_TYPES } from '../lib/targeting.js';
import type { FloorRule } from '../lib/types.js';
import { MoneyInput, type MoneyValue, moneyValue } from './money-input.js';
import { CheckGroup, TagInput } from './tag-input.js';
import { FormError, SaveButton } from './ui.js';

/** One rule as it is edited: a signal per field, so typing in one row never rebuilds another. */
function createRow(rule?: FloorRule) {
  const [country, setCountry] = createSignal(rule?.country ?? []);
  const [deviceType, setDeviceType] = createSignal(rule?.deviceType ?? []);
  const [size, setSize] = createSignal(rule?.size ?? []);
  const [floor, setFloor] = createSignal<MoneyValue>(moneyValue(rule?.floorMicros ?? null));
  return { country, setCountry, deviceType, setDeviceType, size, setSize, floor, setFloor };
}
type Row = ReturnType<typeof createRow>;

/** The rules to send: empty conditions left out (the API wants at least one value in a list it is given). */
export function floorRulesBody(rows: readonly Row[]): FloorRule[] {
  const missing: Record<string, string> = {};
  const rules = rows.map((row, i) => {
    const { micros, error } = row.floor();
    if (error || micros === null) missing[`floorRules[${i}].floorMicros`] = error ?? 'Enter the floor of this rule';
    return {
      ...(row.country().length > 0 ? { country: row.country() } : {}),
      ...(row.deviceType().length > 0 ? { deviceType: row.deviceType() } : {}),
      ...(row.size().length > 0 ? { size: row.size() } : {}),
      floorMicros: micros === null ? 0 : microsToJson(micros),
    };
  });
  if (Object.keys(missing).length > 0) throw fieldError(missing);
  return rules;
}

/** How a rule reads: its conditions, then its floor. */
export function describeFloorRule(rule: FloorRule): string {
  const conditions = [
    rule.country?.map(countryName).join(' or '),
    rule.deviceType?.join(' or '),
    rule.size?.map((s) => s.replace('x', '×')).join(' or '),
  ].filter(Boolean);
  return `${conditions.length > 0 ? conditions.join(', ') : 'Any request'}: ${formatMoney(rule.floorMicros)} CPM`;
}

/**
 * A placement's or publisher's floor rules (OpenRTB Floors): floors by
 * country, device type and ad size, saved with PATCH `{ floorRules }` (an
 * empty list removes them); a list of them without `canWrite`.
 */
export function FloorRulesEditor(props: {
  /** The resource, e.g. /api/v1/placements/<id>. */
  path: string;
  rules: readonly FloorRule[] | undefined;
  hint: string;
  invalidate: string[];
  canWrite: boolean;
}) {
  const [rows, setRows] = createSignal<Row[]>([]);
  // Follows the saved rules (after a save, or a change elsewhere).
  createEffect(() => setRows((props.rules ?? []).map((rule) => createRow(rule))));
  const [saved, setSaved] = createSignal(false);
  const form = createSubmit(() => api.patch(props.path, { floorRules: floorRulesBody(rows()) }), {
    invalidate: props.invalidate,
    onDone: () => setSaved(true),
  });
  const edit = (next: Row[]) => {
    setSaved(false);
    setRows(next);
  };
  return (
    <section class="card stack" aria-label="Floor rules">
      <h2>Floor rules</h2>
      <p class="hint">{props.hint}</p>
      <Show
        when={props.canWrite}
        fallback={
          <Show when={(props.rules ?? []).length > 0} fallback={<p class="muted">No floor rules.</p>}>
            <ol>
              <For each={props.rules}>{(rule) => <li>{describeFloorRule(rule)}</li>}</For>
            </ol>
          </Show>
        }
      >
        <form class="stack" onSubmit={form.submit} novalidate>
          <FormError error={form.error()} />
          <For each={rows()} fallback={<p class="muted">No floor rules: the floor above applies everywhere.</p>}>
            {(row, i) => (
              <fieldset class="stack">
                <legend>Rule {i() + 1}</legend>
                <TagInput
                  label="Countries (any when empty)"
                  values={row.country()}
                  onChange={(v) => {
                    setSaved(false);
                    row.setCountry(v);
                  }}
                  accept={acceptCountry}
                  display={(code) => `${countryName(code)} (${code})`}
                  suggestions={countrySuggestions()}
                  placeholder="Start typing a country"
                  error={errorUnder(form.errors(), `floorRules[${i()}].country`)}
                />
                <CheckGroup
                  legend="Device types (any when none ticked)"
                  options={DEVICE_TYPES.map((d) => ({ value: d, label: d }))}
                  values={row.deviceType()}
                  onChange={(v) => {
                    setSaved(false);
                    row.setDeviceType(v);
                  }}
                  error={errorUnder(form.errors(), `floorRules[${i()}].deviceType`)}
                />
                <TagInput
                  label="Ad sizes (any when empty)"
                  values={row.size()}
                  onChange={(v) => {
                    setSaved(false);
                    row.setSize(v);
                  }}
                  accept={acceptSize}
                  placeholder="300x250"
                  error={errorUnder(form.errors(), `floorRules[${i()}].size`)}
                />
                <div class="inline">
                  <MoneyInput
                    label="Floor per 1,000 impressions"
                    currency="CPM"
                    value={row.floor()}
                    onChange={(v) => {
                      setSaved(false);
                      row.setFloor(v);
                    }}
                    error={errorUnder(form.errors(), `floorRules[${i()}].floorMicros`)}
                  />
                  <button type="button" class="secondary" onClick={() => edit(rows().filter((r) => r !== row))}>
                    Remove rule {i() + 1}
                  </button>
                </div>
              </fieldset>
            )}
          </For>
          <div class="inline">
            <button type="button" class="secondary" onClick={() => edit([...rows(), createRow()])}>
              Add a rule
            </button>
            <SaveButton label="Save floor rules" busy={form.busy()} saved={saved()} />
          </div>
        </form>
      </Show>
    </section>
  );
}
