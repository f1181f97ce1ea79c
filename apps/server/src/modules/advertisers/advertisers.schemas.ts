import Type, { type Static } from 'typebox';
import { Name, ResourceFields } from '../resources/resource.schemas.js';

export const ADVERTISER_STATUSES = ['active', 'paused', 'archived'] as const;

const Currency = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 code, e.g. USD. Budgets and bids of this advertiser are in this currency.',
});
const Contact = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);

const Domains = Type.Array(Type.String({ minLength: 3, maxLength: 253 }), {
  maxItems: 20,
  uniqueItems: true,
  description:
    'The advertiser’s domains (`brand.example`), stored in lower case: sent as `adomain` on our bids, and matched against a request’s `badv`.',
});

export interface AdvertiserData {
  currency: string;
  contact: { name?: string | undefined; email?: string | undefined; phone?: string | undefined };
  /** Lower case host names (OpenRTB `adomain`). Absent: none. */
  domains?: string[] | undefined;
}

export const AdvertiserView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...ADVERTISER_STATUSES]),
  currency: Type.String(),
  contact: Contact,
  domains: Type.Optional(Type.Array(Type.String())),
});

export type AdvertiserView = Static<typeof AdvertiserView>;
export type AdvertiserStatus = (typeof ADVERTISER_STATUSES)[number];

export const CreateAdvertiserBody = Type.Object(
  {
    name: Name,
    currency: Currency,
    contact: Type.Optional(Contact),
    domains: Type.Optional(Domains),
    status: Type.Optional(Type.Enum(['active', 'paused'])),
  },
  { additionalProperties: false },
);

export const UpdateAdvertiserBody = Type.Object(
  {
    name: Type.Optional(Name),
    contact: Type.Optional(Contact),
    domains: Type.Optional(Domains),
    status: Type.Optional(Type.Enum([...ADVERTISER_STATUSES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
