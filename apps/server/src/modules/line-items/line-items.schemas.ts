import type { Targeting as TargetingType } from '@adplatform/domain';
import Type, { type Static } from 'typebox';
import {
  BudgetMicros,
  DeliveryStatusSchema,
  type FrequencyCap,
  FrequencyCaps,
  Instant,
  NullableBudget,
  NullableInstant,
  type Pacing,
  PacingSchema,
} from '../campaigns/delivery.schemas.js';
import { Micros, Name, ResourceFields } from '../resources/resource.schemas.js';
import { Targeting } from '../targeting/targeting.schemas.js';

export { DELIVERY_STATUSES as LINE_ITEM_STATUSES } from '../campaigns/delivery.schemas.js';

export const PRIORITIES = ['sponsorship', 'standard', 'price', 'house'] as const;
export type Priority = (typeof PRIORITIES)[number];
const PrioritySchema = Type.Enum([...PRIORITIES], {
  description: 'Tier, highest first: sponsorship > standard > price > house. Ranking within a tier is by eCPM.',
});

export const Pricing = Type.Object(
  {
    model: Type.Enum(['cpm', 'cpc', 'cpa'], { description: 'Per thousand impressions, per click or per conversion.' }),
    bidMicros: Micros('The price per unit of the model (0 for house ads).'),
  },
  { additionalProperties: false },
);
export type Pricing = Static<typeof Pricing>;

export const Weight = Type.Integer({ minimum: 1, maximum: 1000, description: 'Share of rotation among its equals (default 100).' });
export const ExperimentId = Type.String({
  pattern: '^[A-Za-z0-9_.:-]{1,64}$',
  description: 'Groups A/B variants so their results can be compared.',
});

/** How a line item rotates a creative. Stored in its body as `creatives: [...]`; keep this shape (others query it). */
export const CreativeAttachment = Type.Object(
  { creativeId: Type.String({ format: 'uuid' }), weight: Weight, experimentId: Type.Optional(ExperimentId) },
  { additionalProperties: false },
);
export type CreativeAttachment = Static<typeof CreativeAttachment>;

/** A line item's body as stored (ADR 0007); the campaign is its parent, the advertiser its scope. */
export interface LineItemData {
  priority: Priority;
  pricing: Pricing;
  /** Null: the campaign's. */
  startsAt: string | null;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
  pacing: Pacing;
  frequencyCaps: FrequencyCap[];
  targeting: TargetingType;
  creatives: CreativeAttachment[];
}

export const LineItemView = Type.Object({
  ...ResourceFields,
  status: DeliveryStatusSchema,
  campaignId: Type.String({ format: 'uuid' }),
  advertiserId: Type.String({ format: 'uuid' }),
  priority: PrioritySchema,
  pricing: Pricing,
  startsAt: NullableInstant,
  endsAt: NullableInstant,
  totalBudgetMicros: NullableBudget('Own total budget'),
  dailyBudgetMicros: NullableBudget('Own daily budget'),
  pacing: PacingSchema,
  frequencyCaps: FrequencyCaps,
  targeting: Targeting,
  creatives: Type.Array(CreativeAttachment),
});
export type LineItemView = Static<typeof LineItemView>;

const schedule = 'within the campaign flight; null or absent = the campaign’s';

export const CreateLineItemBody = Type.Object(
  {
    campaignId: Type.String({ format: 'uuid' }),
    name: Name,
    priority: Type.Optional(PrioritySchema),
    pricing: Pricing,
    startsAt: Type.Optional({ ...Instant, description: `Start, ${schedule}.` }),
    endsAt: Type.Optional({ ...Instant, description: `End, ${schedule}.` }),
    totalBudgetMicros: Type.Optional(BudgetMicros('Own total budget; at most the campaign’s')),
    dailyBudgetMicros: Type.Optional(BudgetMicros('Own daily budget; at most its total and the campaign’s daily')),
    pacing: Type.Optional(PacingSchema),
    frequencyCaps: Type.Optional(FrequencyCaps),
    targeting: Type.Optional(Targeting),
  },
  { additionalProperties: false },
);
export type CreateLineItemBody = Static<typeof CreateLineItemBody>;

export const UpdateLineItemBody = Type.Object(
  {
    name: Type.Optional(Name),
    status: Type.Optional(DeliveryStatusSchema),
    priority: Type.Optional(PrioritySchema),
    pricing: Type.Optional(Pricing),
    startsAt: Type.Optional(NullableInstant),
    endsAt: Type.Optional(NullableInstant),
    totalBudgetMicros: Type.Optional(NullableBudget('Own total budget; null removes it')),
    dailyBudgetMicros: Type.Optional(NullableBudget('Own daily budget; null removes it')),
    pacing: Type.Optional(PacingSchema),
    frequencyCaps: Type.Optional(FrequencyCaps),
    targeting: Type.Optional(Targeting),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateLineItemBody = Static<typeof UpdateLineItemBody>;

export const AttachCreativeBody = Type.Object(
  { creativeId: Type.String({ format: 'uuid' }), weight: Type.Optional(Weight), experimentId: Type.Optional(ExperimentId) },
  { additionalProperties: false },
);
export type AttachCreativeBody = Static<typeof AttachCreativeBody>;

export const CreativeParams = Type.Object(
  { id: Type.String({ format: 'uuid' }), creativeId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
