import Type, { type Static } from 'typebox';
import { Micros } from '../resources/resource.schemas.js';

/**
 * What campaigns and line items share: the delivery statuses, budgets, pacing,
 * frequency caps and flight dates.
 */
export const DELIVERY_STATUSES = ['draft', 'active', 'paused', 'completed', 'archived'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DeliveryStatusSchema = Type.Enum([...DELIVERY_STATUSES], {
  description: 'New ones start as draft; see docs/targeting.md for the allowed transitions.',
});

export const PACINGS = ['even', 'asap'] as const;
export type Pacing = (typeof PACINGS)[number];
export const PacingSchema = Type.Enum([...PACINGS], {
  description: '`even` spreads the budget over the flight; `asap` spends it as fast as demand allows.',
});

export const CAP_UNITS = ['minute', 'hour', 'day', 'week', 'month', 'lifetime'] as const;
export const FrequencyCap = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'At most this many impressions per user…' }),
    window: Type.Object(
      {
        unit: Type.Enum([...CAP_UNITS]),
        size: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 1000, description: '…per this many units (default 1; not with lifetime).' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type FrequencyCap = Static<typeof FrequencyCap>;
export const FrequencyCaps = Type.Array(FrequencyCap, { maxItems: 10 });

/** A positive budget, in micros. */
export const BudgetMicros = (what: string) => Micros(`${what}; positive.`, 1);

/** The same value or null (to clear it in a PATCH; null in views when unset). */
export const OrNull = <T extends { type: string }>(schema: T) => Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });

/** An instant in a request body: ISO 8601 with a time zone offset. Stored and returned in UTC. */
export const Instant = Type.String({ format: 'date-time' });
export const NullableInstant = OrNull(Type.String({ format: 'date-time' }));
export const NullableBudget = (what: string) => OrNull(BudgetMicros(what));

/** Budget and flight fields as stored (absent values are null). */
export interface BudgetAndFlight {
  startsAt: string | null;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
}
