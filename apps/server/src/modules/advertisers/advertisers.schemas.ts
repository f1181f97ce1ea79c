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

export interface AdvertiserData {
  currency: string;
  contact: { name?: string | undefined; email?: string | undefined; phone?: string | undefined };
}

export const AdvertiserView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...ADVERTISER_STATUSES]),
  currency: Type.String(),
  contact: Contact,
});

export type AdvertiserView = Static<typeof AdvertiserView>;
export type AdvertiserStatus = (typeof ADVERTISER_STATUSES)[number];

export const CreateAdvertiserBody = Type.Object(
  { name: Name, currency: Currency, contact: Type.Optional(Contact), status: Type.Optional(Type.Enum(['active', 'paused'])) },
  { additionalProperties: false },
);

export const UpdateAdvertiserBody = Type.Object(
  { name: Type.Optional(Name), contact: Type.Optional(Contact), status: Type.Optional(Type.Enum([...ADVERTISER_STATUSES])) },
  { additionalProperties: false, minProperties: 1 },
);
