import Type, { type Static } from 'typebox';
import { ListQuery, Micros, Name, ResourceFields } from '../resources/resource.schemas.js';
import { type FloorRule, FloorRules } from './floor-rules.schemas.js';

export const PLACEMENT_STATUSES = ['active', 'paused', 'archived'] as const;
export const AD_FORMATS = ['image', 'html', 'native', 'video'] as const;
/** Formats drawn in a fixed box: a placement accepting one of them lists its sizes. */
export const DISPLAY_FORMATS: readonly string[] = ['image', 'html'];
export const PASSBACK_MAX_CHARS = 65_536;

const Size = Type.Object(
  { width: Type.Integer({ minimum: 1, maximum: 10_000 }), height: Type.Integer({ minimum: 1, maximum: 10_000 }) },
  { additionalProperties: false },
);
const Formats = Type.Array(Type.Enum([...AD_FORMATS]), { minItems: 1, uniqueItems: true, description: 'Formats the ad unit accepts.' });
const Sizes = Type.Array(Size, {
  maxItems: 50,
  description: 'Sizes accepted, in CSS pixels; at least one when `image` or `html` is accepted.',
});
const FloorMicros = Micros('The lowest price accepted, per thousand impressions (CPM).');
const Fallback = Type.Object(
  {
    type: Type.Enum(['none', 'house', 'passback'], {
      description: 'What to show when nothing fills: nothing, a house creative (`creativeId`) or passback markup (`html`).',
    }),
    creativeId: Type.Optional(Type.String({ format: 'uuid', description: 'house: an approved creative of this organization that fits.' })),
    html: Type.Optional(Type.String({ minLength: 1, maxLength: PASSBACK_MAX_CHARS, description: 'passback: markup, served sandboxed.' })),
  },
  { additionalProperties: false },
);

export type AdFormat = (typeof AD_FORMATS)[number];
export interface PlacementSize {
  width: number;
  height: number;
}
export type PlacementFallback = { type: 'none' } | { type: 'house'; creativeId: string } | { type: 'passback'; html: string };
export type FallbackInput = Static<typeof Fallback>;

/** The stored body. `formats` and `sizes` are read by line-item activation: keep their shape. */
export interface PlacementData {
  formats: AdFormat[];
  sizes: PlacementSize[];
  floorMicros: number;
  fallback: PlacementFallback;
  /** Floors by country, device type and size, before the publisher's (docs/openrtb.md, Floors). Absent: none of its own. */
  floorRules?: FloorRule[] | undefined;
}

export const PlacementView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...PLACEMENT_STATUSES]),
  siteId: Type.String({ format: 'uuid' }),
  publisherId: Type.String({ format: 'uuid' }),
  formats: Type.Array(Type.String()),
  sizes: Type.Array(Size),
  floorMicros: Type.Integer(),
  fallback: Fallback,
  floorRules: Type.Optional(FloorRules),
});
export type PlacementView = Static<typeof PlacementView>;

export const CreatePlacementBody = Type.Object(
  {
    siteId: Type.String({ format: 'uuid', description: 'The site or app the ad unit is on.' }),
    name: Name,
    formats: Formats,
    sizes: Type.Optional(Sizes),
    floorMicros: Type.Optional(FloorMicros),
    floorRules: Type.Optional(FloorRules),
    fallback: Type.Optional(Fallback),
    status: Type.Optional(Type.Enum(['active', 'paused'])),
  },
  { additionalProperties: false },
);
export type CreatePlacementBody = Static<typeof CreatePlacementBody>;

/** The site is fixed at creation. */
export const UpdatePlacementBody = Type.Object(
  {
    name: Type.Optional(Name),
    formats: Type.Optional(Formats),
    sizes: Type.Optional(Sizes),
    floorMicros: Type.Optional(FloorMicros),
    floorRules: Type.Optional(FloorRules),
    fallback: Type.Optional(Fallback),
    status: Type.Optional(Type.Enum([...PLACEMENT_STATUSES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePlacementBody = Static<typeof UpdatePlacementBody>;

export const PlacementListQuery = ListQuery(PLACEMENT_STATUSES, {
  siteId: Type.Optional(Type.String({ format: 'uuid' })),
  publisherId: Type.Optional(Type.String({ format: 'uuid' })),
});
