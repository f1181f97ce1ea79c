import { createSignal, For, Show } from 'solid-js';
import { type Accept, acceptCategory, acceptCountry, acceptDomain, countrySuggestions, pattern } from '../lib/accept.js';
import {
  BROWSER_NAMES,
  countryName,
  DEVICE_TYPES,
  describeTargeting,
  OS_NAMES,
  type Targeting,
  type TargetingRules,
} from '../lib/targeting.js';
import { DayPartGrid } from './day-part-grid.js';
import { CheckGroup, TagInput } from './tag-input.js';

export interface Choice {
  id: string;
  name: string;
}

const acceptLanguage = pattern(/^[a-z]{2}$/, (s) => s.toLowerCase(), 'Use a two-letter language code such as en or es');
const acceptRegion = pattern(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, (s) => s.toUpperCase(), 'Use a region code such as US-CA or CA-QC');
const acceptMetro = pattern(/^[0-9]{3}$/, (s) => s, 'Use a three-digit metro code such as 501');
const acceptText: Accept = (text) => (text.length <= 100 ? { value: text } : { error: 'At most 100 characters' });

const options = (values: readonly string[]) => values.map((value) => ({ value, label: value }));

/**
 * Every targeting dimension of docs/targeting.md in plain words. Controlled:
 * `value` in, a new object out through `onChange` (empty parts are kept until
 * the form normalizes them). `errors` are the API's field messages keyed by
 * path (`targeting.geo.countries[0]`): each shows next to its section.
 */
export function TargetingEditor(props: {
  value: Targeting;
  onChange: (value: Targeting) => void;
  segments?: readonly Choice[];
  placements?: readonly Choice[];
  errors?: Record<string, string>;
  /** Path of this object in the API body, for error lookup (`targeting` or `targeting.exclude`). */
  path?: string;
  /** The exclusion editor has no exclusions of its own. */
  nested?: boolean;
}) {
  const base = () => props.path ?? 'targeting';
  const errorAt = (key: string) => {
    const prefix = `${base()}.${key}`;
    for (const [path, message] of Object.entries(props.errors ?? {})) {
      if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)) return message;
    }
    return undefined;
  };
  const t = () => props.value;
  const update = (patch: Partial<Targeting>) => props.onChange({ ...t(), ...patch });
  const geo = (patch: NonNullable<TargetingRules['geo']>) => update({ geo: { ...t().geo, ...patch } });
  const names = () => Object.fromEntries([...(props.segments ?? []), ...(props.placements ?? [])].map((c) => [c.id, c.name]));
  const [countryChoices] = createSignal(countrySuggestions());

  return (
    <div class="targeting">
      <Show when={!props.nested}>
        <div class="summary" aria-live="polite">
          <strong>Who sees it:</strong>
          <ul>
            <For each={describeTargeting(t(), names())}>{(line) => <li>{line}</li>}</For>
          </ul>
          <p class="hint">Leave a section empty for no restriction. Sections combine: a visitor must match every one that is set.</p>
        </div>
      </Show>

      <section aria-label="Where">
        <h3>Where</h3>
        <TagInput
          label="Countries"
          values={t().geo?.countries ?? []}
          onChange={(countries) => geo({ countries })}
          accept={acceptCountry}
          display={(code) => `${countryName(code)} (${code})`}
          suggestions={countryChoices()}
          placeholder="Start typing a country"
          error={errorAt('geo.countries')}
        />
        <TagInput
          label="Regions"
          values={t().geo?.regions ?? []}
          onChange={(regions) => geo({ regions })}
          accept={acceptRegion}
          placeholder="US-CA"
          error={errorAt('geo.regions')}
        />
        <TagInput
          label="Cities"
          values={t().geo?.cities ?? []}
          onChange={(cities) => geo({ cities })}
          accept={acceptText}
          placeholder="Toronto"
          error={errorAt('geo.cities')}
        />
        <TagInput
          label="Metro areas (DMA codes)"
          values={t().geo?.metros ?? []}
          onChange={(metros) => geo({ metros })}
          accept={acceptMetro}
          placeholder="501"
          error={errorAt('geo.metros')}
        />
        <RadiusList value={t().geo?.radius ?? []} onChange={(radius) => geo({ radius })} error={errorAt('geo.radius')} />
      </section>

      <section aria-label="Devices and software">
        <h3>Devices and software</h3>
        <CheckGroup
          legend="Device types"
          options={options(DEVICE_TYPES)}
          values={t().deviceTypes ?? []}
          onChange={(deviceTypes) => update({ deviceTypes })}
          error={errorAt('deviceTypes')}
        />
        <CheckGroup
          legend="Operating systems"
          options={options(OS_NAMES)}
          values={t().os ?? []}
          onChange={(os) => update({ os })}
          error={errorAt('os')}
        />
        <CheckGroup
          legend="Browsers"
          options={options(BROWSER_NAMES)}
          values={t().browsers ?? []}
          onChange={(browsers) => update({ browsers })}
          error={errorAt('browsers')}
        />
        <TagInput
          label="Languages"
          values={t().languages ?? []}
          onChange={(languages) => update({ languages })}
          accept={acceptLanguage}
          placeholder="en"
          error={errorAt('languages')}
        />
      </section>

      <section aria-label="Content">
        <h3>Content</h3>
        <TagInput
          label="Keywords: at least one of"
          values={t().keywords?.any ?? []}
          onChange={(any) => update({ keywords: { ...t().keywords, any } })}
          accept={acceptText}
          error={errorAt('keywords.any')}
        />
        <TagInput
          label="Keywords: all of"
          values={t().keywords?.all ?? []}
          onChange={(all) => update({ keywords: { ...t().keywords, all } })}
          accept={acceptText}
          error={errorAt('keywords.all')}
        />
        <TagInput
          label="Keywords: none of"
          values={t().keywords?.none ?? []}
          onChange={(none) => update({ keywords: { ...t().keywords, none } })}
          accept={acceptText}
          error={errorAt('keywords.none')}
        />
        <TagInput
          label="Only on these domains or apps"
          values={t().domains?.allow ?? []}
          onChange={(allow) => update({ domains: { ...t().domains, allow } })}
          accept={acceptDomain}
          error={errorAt('domains.allow')}
        />
        <TagInput
          label="Never on these domains or apps"
          values={t().domains?.block ?? []}
          onChange={(block) => update({ domains: { ...t().domains, block } })}
          accept={acceptDomain}
          error={errorAt('domains.block')}
        />
        <TagInput
          label="Only in content categories"
          values={t().categories?.allow ?? []}
          onChange={(allow) => update({ categories: { ...t().categories, allow } })}
          accept={acceptCategory}
          placeholder="IAB17"
          error={errorAt('categories.allow')}
        />
        <TagInput
          label="Never in content categories"
          values={t().categories?.block ?? []}
          onChange={(block) => update({ categories: { ...t().categories, block } })}
          accept={acceptCategory}
          placeholder="IAB25"
          error={errorAt('categories.block')}
        />
        <KeyValues value={t().keyValues ?? {}} onChange={(keyValues) => update({ keyValues })} error={errorAt('keyValues')} />
      </section>

      <section aria-label="Audience and placements">
        <h3>Audience and placements</h3>
        <Show
          when={(props.segments ?? []).length > 0}
          fallback={<p class="hint">No audience segments yet: create one under Segments to target it.</p>}
        >
          <CheckGroup
            legend="People in at least one of these segments"
            options={(props.segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
            values={t().segments?.any ?? []}
            onChange={(any) => update({ segments: { ...t().segments, any } })}
            error={errorAt('segments.any')}
          />
          <CheckGroup
            legend="Not people in these segments"
            options={(props.segments ?? []).map((s) => ({ value: s.id, label: s.name }))}
            values={t().segments?.none ?? []}
            onChange={(none) => update({ segments: { ...t().segments, none } })}
            error={errorAt('segments.none')}
          />
        </Show>
        <Show when={(props.placements ?? []).length > 0}>
          <CheckGroup
            legend="Only on these placements"
            options={(props.placements ?? []).map((p) => ({ value: p.id, label: p.name }))}
            values={t().placements ?? []}
            onChange={(placements) => update({ placements })}
            error={errorAt('placements')}
          />
        </Show>
      </section>

      <section aria-label="When">
        <h3>When</h3>
        <DayPartGrid value={t().dayParts} onChange={(dayParts) => update({ dayParts })} error={errorAt('dayParts')} />
      </section>

      <Show when={!props.nested}>
        <details class="exclude" open={Object.keys((props.value as Targeting).exclude ?? {}).length > 0}>
          <summary>Exclusions (rule a visitor out when any of these match)</summary>
          <TargetingEditor
            nested
            path={`${base()}.exclude`}
            value={t().exclude ?? {}}
            onChange={(exclude) => update({ exclude })}
            {...(props.segments ? { segments: props.segments } : {})}
            {...(props.placements ? { placements: props.placements } : {})}
            {...(props.errors ? { errors: props.errors } : {})}
          />
        </details>
      </Show>
    </div>
  );
}

function RadiusList(props: {
  value: { lat: number; lon: number; km: number }[];
  onChange: (v: { lat: number; lon: number; km: number }[]) => void;
  error?: string | undefined;
}) {
  const [lat, setLat] = createSignal('');
  const [lon, setLon] = createSignal('');
  const [km, setKm] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const add = () => {
    const [a, o, k] = [Number(lat()), Number(lon()), Number(km())];
    if (lat() === '' || !Number.isFinite(a) || a < -90 || a > 90) return setError('Latitude is a number from -90 to 90');
    if (lon() === '' || !Number.isFinite(o) || o < -180 || o > 180) return setError('Longitude is a number from -180 to 180');
    if (!(k > 0 && k <= 20000)) return setError('The distance is more than 0 and at most 20000 km');
    setError(null);
    setLat('');
    setLon('');
    setKm('');
    props.onChange([...props.value, { lat: a, lon: o, km: k }]);
  };
  return (
    <fieldset class="checks">
      <legend>Around a point</legend>
      <ul class="chips">
        <For each={props.value}>
          {(r) => (
            <li class="chip">
              {r.km} km around {r.lat}, {r.lon}
              <button
                type="button"
                class="chip-x"
                aria-label={`Remove ${r.km} km around ${r.lat}, ${r.lon}`}
                onClick={() => props.onChange(props.value.filter((x) => x !== r))}
              >
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="inline">
        <label>
          Latitude <input inputMode="decimal" size="8" value={lat()} onInput={(e) => setLat(e.currentTarget.value)} />
        </label>
        <label>
          Longitude <input inputMode="decimal" size="8" value={lon()} onInput={(e) => setLon(e.currentTarget.value)} />
        </label>
        <label>
          km <input inputMode="decimal" size="5" value={km()} onInput={(e) => setKm(e.currentTarget.value)} />
        </label>
        <button type="button" class="secondary" onClick={add}>
          Add area
        </button>
      </div>
      <Show when={error() ?? props.error}>
        <small class="error" role="alert">
          {error() ?? props.error}
        </small>
      </Show>
    </fieldset>
  );
}

function KeyValues(props: {
  value: Record<string, string[]>;
  onChange: (v: Record<string, string[]>) => void;
  error?: string | undefined;
}) {
  const [key, setKey] = createSignal('');
  const [values, setValues] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const add = () => {
    const k = key().trim();
    const vs = values()
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(k)) return setError('A key is 1–64 letters, digits, _ . or -');
    if (vs.length === 0) return setError('Give at least one value (separate several with commas)');
    setError(null);
    setKey('');
    setValues('');
    props.onChange({ ...props.value, [k]: [...new Set([...(props.value[k] ?? []), ...vs])] });
  };
  const remove = (k: string) => props.onChange(Object.fromEntries(Object.entries(props.value).filter(([x]) => x !== k)));
  return (
    <fieldset class="checks">
      <legend>Key-values from the ad tag</legend>
      <ul class="chips">
        <For each={Object.entries(props.value)}>
          {([k, vs]) => (
            <li class="chip">
              {k} = {vs.join(' or ')}
              <button type="button" class="chip-x" aria-label={`Remove key ${k}`} onClick={() => remove(k)}>
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="inline">
        <label>
          Key <input size="10" value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <label>
          Values <input size="16" value={values()} placeholder="sports, news" onInput={(e) => setValues(e.currentTarget.value)} />
        </label>
        <button type="button" class="secondary" onClick={add}>
          Add key
        </button>
      </div>
      <Show when={error() ?? props.error}>
        <small class="error" role="alert">
          {error() ?? props.error}
        </small>
      </Show>
    </fieldset>
  );
}
