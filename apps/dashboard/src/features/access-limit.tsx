import { createEffect, createSignal, on, Show } from 'solid-js';
import { CheckGroup } from '../components/tag-input.js';
import { SelectField } from '../components/ui.js';
import { errorUnder } from '../lib/forms.js';
import { usePage } from '../lib/resources.js';
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

/** How a user's or key's limit reads in a list. */
export function describeLimit(item: { advertiserIds?: string[]; publisherIds?: string[] }): string {
  const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  if (item.advertiserIds?.length) return count(item.advertiserIds.length, 'advertiser');
  if (item.publisherIds?.length) return count(item.publisherIds.length, 'publisher');
  return 'no limit';
}
