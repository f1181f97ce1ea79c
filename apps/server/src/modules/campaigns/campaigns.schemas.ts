import type { Targeting as TargetingType } from '@adplatform/domain';
import Type, { type Static } from 'typebox';
import { DateTime } from '../../http/common.schemas.js';
import { Name, ResourceFields } from '../resources/resource.schemas.js';
import { Targeting } from '../targeting/targeting.schemas.js';
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
} from './delivery.schemas.js';

export { DELIVERY_STATUSES as CAMPAIGN_STATUSES } from './delivery.schemas.js';

/** A campaign's body as stored (ADR 0007); the advertiser is its parent and scope. */
export interface CampaignData {
  startsAt: string;
  endsAt: string | null;
  totalBudgetMicros: number | null;
  dailyBudgetMicros: number | null;
  pacing: Pacing;
  frequencyCaps: FrequencyCap[];
  timezone: string;
  targeting: TargetingType;
}

const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA zone (`America/New_York`) for day-parts and daily budgets; defaults to the organization's.",
});

export const CampaignView = Type.Object({
  ...ResourceFields,
  status: DeliveryStatusSchema,
  advertiserId: Type.String({ format: 'uuid' }),
  startsAt: DateTime,
  endsAt: NullableInstant,
  totalBudgetMicros: NullableBudget('Total budget over the flight'),
  dailyBudgetMicros: NullableBudget('Budget per day, in the campaign timezone'),
  pacing: PacingSchema,
  frequencyCaps: FrequencyCaps,
  timezone: Type.String(),
  targeting: Targeting,
});
export type CampaignView = Static<typeof CampaignView>;

export const CreateCampaignBody = Type.Object(
  {
    advertiserId: Type.String({ format: 'uuid' }),
    name: Name,
    startsAt: Instant,
    endsAt: Type.Optional(Instant),
    totalBudgetMicros: Type.Optional(BudgetMicros('Total budget over the flight')),
    dailyBudgetMicros: Type.Optional(BudgetMicros('Budget per day; at most the total')),
    pacing: Type.Optional(PacingSchema),
    frequencyCaps: Type.Optional(FrequencyCaps),
    timezone: Type.Optional(TimeZone),
    targeting: Type.Optional(Targeting),
  },
  { additionalProperties: false },
);
export type CreateCampaignBody = Static<typeof CreateCampaignBody>;

export const UpdateCampaignBody = Type.Object(
  {
    name: Type.Optional(Name),
    status: Type.Optional(DeliveryStatusSchema),
    startsAt: Type.Optional(Instant),
    endsAt: Type.Optional(NullableInstant),
    totalBudgetMicros: Type.Optional(NullableBudget('Total budget; null removes it')),
    dailyBudgetMicros: Type.Optional(NullableBudget('Daily budget; null removes it')),
    pacing: Type.Optional(PacingSchema),
    frequencyCaps: Type.Optional(FrequencyCaps),
    timezone: Type.Optional(TimeZone),
    targeting: Type.Optional(Targeting),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCampaignBody = Static<typeof UpdateCampaignBody>;
