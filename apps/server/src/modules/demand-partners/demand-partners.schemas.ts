import Type, { type Static } from 'typebox';
import { ListQuery, Name, ResourceFields } from '../resources/resource.schemas.js';

export const DEMAND_PARTNER_STATUSES = ['active', 'archived'] as const;

const EndpointUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'Where OpenRTB bid requests are POSTed: http(s) on a public address. Loopback, private, link-local and other special addresses are refused unless the operator sets ADPLATFORM_ALLOW_PRIVATE_OUTBOUND=true.',
});
const TimeoutMs = Type.Integer({ minimum: 10, maximum: 5000, description: 'How long to wait for bids, in milliseconds. Default 300.' });
const BidAdjustment = Type.Number({
  exclusiveMinimum: 0,
  maximum: 10,
  description: 'Multiplier applied to the partner’s bids before the auction (0.9 = shave 10%). Not money: a plain number. Default 1.',
});
const PlacementIds = Type.Array(Type.String({ format: 'uuid' }), {
  maxItems: 1000,
  uniqueItems: true,
  description: 'Placements offered to this partner; empty means all.',
});
const QpsLimit = Type.Integer({
  minimum: 1,
  maximum: 1_000_000,
  description: 'Most bid requests per second sent to the partner. Default 1000.',
});

export interface DemandPartnerData {
  endpointUrl: string;
  timeoutMs: number;
  bidAdjustment: number;
  placementIds: string[];
  qpsLimit: number;
  enabled: boolean;
}

export const DemandPartnerView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...DEMAND_PARTNER_STATUSES]),
  endpointUrl: Type.String(),
  timeoutMs: Type.Integer(),
  bidAdjustment: Type.Number(),
  placementIds: Type.Array(Type.String({ format: 'uuid' })),
  qpsLimit: Type.Integer(),
  enabled: Type.Boolean(),
});
export type DemandPartnerView = Static<typeof DemandPartnerView>;

export const CreateDemandPartnerBody = Type.Object(
  {
    name: Name,
    endpointUrl: EndpointUrl,
    timeoutMs: Type.Optional(TimeoutMs),
    bidAdjustment: Type.Optional(BidAdjustment),
    placementIds: Type.Optional(PlacementIds),
    qpsLimit: Type.Optional(QpsLimit),
    enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  },
  { additionalProperties: false },
);
export type CreateDemandPartnerBody = Static<typeof CreateDemandPartnerBody>;

export const UpdateDemandPartnerBody = Type.Object(
  {
    name: Type.Optional(Name),
    endpointUrl: Type.Optional(EndpointUrl),
    timeoutMs: Type.Optional(TimeoutMs),
    bidAdjustment: Type.Optional(BidAdjustment),
    placementIds: Type.Optional(PlacementIds),
    qpsLimit: Type.Optional(QpsLimit),
    enabled: Type.Optional(Type.Boolean()),
    status: Type.Optional(Type.Enum([...DEMAND_PARTNER_STATUSES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateDemandPartnerBody = Static<typeof UpdateDemandPartnerBody>;

export const DemandPartnerListQuery = ListQuery(DEMAND_PARTNER_STATUSES, { enabled: Type.Optional(Type.Boolean()) });
