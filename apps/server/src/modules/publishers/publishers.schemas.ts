import Type, { type Static } from 'typebox';
import { type FloorRule, FloorRules } from '../placements/floor-rules.schemas.js';
import { Name, ResourceFields } from '../resources/resource.schemas.js';

export const PUBLISHER_STATUSES = ['active', 'paused', 'archived'] as const;
export const SELLER_TYPES = ['PUBLISHER', 'INTERMEDIARY', 'BOTH'] as const;

const Contact = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 50 })),
  },
  { additionalProperties: false },
);
const SellerType = Type.Enum([...SELLER_TYPES], { description: 'Its `seller_type` in sellers.json.' });
const Domain = Type.String({
  minLength: 3,
  maxLength: 253,
  description: 'The business domain listed in sellers.json, e.g. `news.example.com`; stored in lower case.',
});

export interface PublisherData {
  contact: { name?: string | undefined; email?: string | undefined; phone?: string | undefined };
  sellerType?: (typeof SELLER_TYPES)[number] | undefined;
  domain?: string | undefined;
  /** Floors by country, device type and size for all its placements, after each placement's own (docs/openrtb.md, Floors). */
  floorRules?: FloorRule[] | undefined;
}

export const PublisherView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...PUBLISHER_STATUSES]),
  contact: Contact,
  sellerType: Type.Optional(SellerType),
  domain: Type.Optional(Type.String()),
  floorRules: Type.Optional(FloorRules),
});

export type PublisherView = Static<typeof PublisherView>;

export const CreatePublisherBody = Type.Object(
  {
    name: Name,
    contact: Type.Optional(Contact),
    sellerType: Type.Optional(SellerType),
    domain: Type.Optional(Domain),
    floorRules: Type.Optional(FloorRules),
    status: Type.Optional(Type.Enum(['active', 'paused'])),
  },
  { additionalProperties: false },
);
export type CreatePublisherBody = Static<typeof CreatePublisherBody>;

export const UpdatePublisherBody = Type.Object(
  {
    name: Type.Optional(Name),
    contact: Type.Optional(Contact),
    sellerType: Type.Optional(Type.Union([SellerType, Type.Null()], { description: 'null removes it.' })),
    domain: Type.Optional(Type.Union([Domain, Type.Null()], { description: 'null removes it.' })),
    floorRules: Type.Optional(FloorRules),
    status: Type.Optional(Type.Enum([...PUBLISHER_STATUSES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePublisherBody = Static<typeof UpdatePublisherBody>;
