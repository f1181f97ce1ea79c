import { createEffect, createSignal, on, Show } from 'solid-js';
import { CheckGroup } from '../components/tag-input.js';
import { SelectField } from '../components/ui.js';
import { errorUnder } from '../lib/forms.js';
import { useAll, usePage } from '../lib/resources.js';
import type { Role } from '../lib/session.js';

type Side = 'advertisers' | 'publishers';
const FIELD = { advertisers: 'advertiserIds', publishers: 'publisherIds' } as const;

/** The lists as the API shows a user or key. */
export interface LimitLists {
  advertiserIds?: string[];
  publisherIds?: string[];
}

/**
 * The user or API key's limit (ADR 0017) as it is edited: which side it may
 * limit for its role, and the ids ticked — none at first, or `initial`'s.
 */
export function createAccessLimit(role: () => Role, initial: LimitLists = {}) {
  const initialSide: Side = initial.publisherIds?.length ? 'publishers' : 'advertisers';
  const [analystSide, setAnalystSide] = createSignal<Side>(initialSide);
  const [ids, setIds] = createSignal<string[]>([...(initial[FIELD[initialSide]] ?? [])]);
  /** Advertiser roles limit to advertisers, publisher roles to publishers, analysts to either; owners and admins to nothing. */
  const side = (): Side | null =>
    role() === 'advertiser' ? 'advertisers' : role() === 'publisher' ? 'publishers' : role() === 'analyst' ? analystSide() : null;
  // Ids of one side mean nothing on the other.
  createEffect(on(side, () => setIds([]), { defer: true }));
  return {
    side,
    setAnalystSide,
    ids,
    setIds,
    /** The request fields: none when nothing is ticked (no limit). */
    body: (): { advertiserIds?: string[]; publisherIds?: string[] } => {
      const s = side();
      return s && ids().length > 0 ? { [FIELD[s]]: ids() } : {};
    },
    /** A PATCH of an existing user: both lists, the other side's empty, so switching an analyst's side lifts the old one. */
    patchBody: (): { advertiserIds: string[]; publisherIds: string[] } => ({
      advertiserIds: side() === 'advertisers' ? ids() : [],
      publisherIds: side() === 'publishers' ? ids() : [],
    }),
    reset: () => setIds([]),
  };
}
export type AccessLimit = ReturnType<typeof createAccessLimit>;

/** The fields of an access limit: for an analyst which side, then the advertisers or publishers it is confined to. */
export function AccessLimitFields(props: { limit: AccessLimit; role: Role; errors: Record<string, string> }) {
  const choices = usePage<{ id: string; name: string }>(
    () => `/api/v1/${props.limit.side() ?? 'advertisers'}`,
    () => ({ limit: 200 }),
    () => props.limit.side() !== null,
  );
  return (
    <Show when={props.limit.side()}>
      {(side) => (
        <>
          <Show when={props.role === 'analyst'}>
            <SelectField
              label="Limit to"
              value={side()}
              onValue={props.limit.setAnalystSide}
              options={[
                { value: 'advertisers', label: 'Some advertisers' },
                { value: 'publishers', label: 'Some publishers' },
              ]}
            />
          </Show>
          <Show
            when={(choices.data?.items.length ?? 0) > 0}
            fallback={<p class="muted">No {side()} yet: this one sees every one of them.</p>}
          >
            <CheckGroup
              legend={`Only these ${side()} (none ticked: all of them)`}
              options={(choices.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
              values={props.limit.ids()}
              onChange={props.limit.setIds}
              error={errorUnder(props.errors, FIELD[side()])}
            />
          </Show>
        </>
      )}
    </Show>
  );
}

/** Names of the organization's advertisers and publishers by id, for reading limits in lists (up to 200 of each). */
export function useLimitNames(): (id: string) => string | undefined {
  const advertisers = useAll<{ id: string; name: string }>('/api/v1/advertisers');
  const publishers = useAll<{ id: string; name: string }>('/api/v1/publishers');
  return (id) => advertisers.data?.items.find((a) => a.id === id)?.name ?? publishers.data?.items.find((p) => p.id === id)?.name;
}

const SHOWN_NAMES = 3;

/**
 * How a user's or key's limit reads in a list: the side and the names it is confined to (the first three,
 * then how many more), or a count while a name is unknown (not loaded yet, or beyond the first 200).
 */
export function describeLimit(item: LimitLists, nameOf: (id: string) => string | undefined = () => undefined): string {
  const read = (ids: string[], one: string) => {
    const names = ids.map(nameOf);
    if (names.some((n) => n === undefined)) return `${ids.length} ${one}${ids.length === 1 ? '' : 's'}`;
    const more = ids.length - SHOWN_NAMES;
    return `${names.slice(0, SHOWN_NAMES).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  };
  if (item.advertiserIds?.length) return read(item.advertiserIds, 'advertiser');
  if (item.publisherIds?.length) return read(item.publisherIds, 'publisher');
  return 'no limit';
}
