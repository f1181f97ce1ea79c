import { DEVICE_TYPES, type Targeting as TargetingType, WEEKDAYS } from '@adplatform/domain';
import Type, { type Static, type TSchema } from 'typebox';

/** A list of distinct values; targeting lists are sets. */
const List = <T extends TSchema>(item: T, maxItems = 1000) => Type.Array(item, { uniqueItems: true, maxItems });
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Closed = { additionalProperties: false } as const;

export const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, uppercase: `US`.' });
export const Region = Type.String({ pattern: '^[A-Z]{2}-[A-Z0-9]{1,3}$', description: 'ISO 3166-2 subdivision: `US-CA`, `CA-QC`.' });
export const Metro = Type.String({ pattern: '^[0-9]{3}$', description: 'Nielsen DMA / Google metro code: `501`.' });
export const Language = Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1, lowercase: `en`.' });
export const Category = Type.String({ pattern: '^IAB[0-9]{1,2}(-[0-9]{1,2})?$', description: 'IAB content category: `IAB25`, `IAB1-2`.' });
export const Domain = Type.String({
  pattern: '^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)+$|^[0-9]{1,20}$',
  maxLength: 253,
  description: 'A site domain (`news.example`), an app bundle id (`com.example.app`) or a numeric store id.',
});
export const KeyValueKey = '^[A-Za-z0-9_.-]{1,64}$';

const Radius = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    km: Type.Number({ exclusiveMinimum: 0, maximum: 20_000 }),
  },
  Closed,
);

const Geo = Type.Object(
  {
    countries: Type.Optional(List(Country, 300)),
    regions: Type.Optional(List(Region, 5000)),
    cities: Type.Optional(List(Text(100), 5000)),
    metros: Type.Optional(List(Metro, 1000)),
    radius: Type.Optional(List(Radius, 500)),
  },
  { ...Closed, description: 'Locations; a request matches when it is in any one of them.' },
);

const Keywords = Type.Object(
  { any: Type.Optional(List(Text(100))), all: Type.Optional(List(Text(100))), none: Type.Optional(List(Text(100))) },
  Closed,
);
const SegmentId = Type.String({ format: 'uuid', description: 'The id of an audience segment of the organization.' });
const Segments = Type.Object({ any: Type.Optional(List(SegmentId, 100)), none: Type.Optional(List(SegmentId, 100)) }, Closed);
const AllowBlock = <T extends TSchema>(item: T) =>
  Type.Object({ allow: Type.Optional(List(item, 10_000)), block: Type.Optional(List(item, 10_000)) }, Closed);

const DayPart = Type.Object(
  {
    days: Type.Array(Type.Enum([...WEEKDAYS]), { minItems: 1, maxItems: 7, uniqueItems: true }),
    startHour: Type.Integer({ minimum: 0, maximum: 23, description: 'Inclusive.' }),
    endHour: Type.Integer({ minimum: 1, maximum: 24, description: 'Exclusive; greater than startHour.' }),
  },
  Closed,
);

const KeyValues = Type.Unsafe<Record<string, string[]>>({
  type: 'object',
  propertyNames: { pattern: KeyValueKey },
  additionalProperties: List(Text(200), 1000),
  maxProperties: 50,
  description: 'Custom key-values of the ad request: every key listed must have one of its values.',
});

const dimensions = {
  geo: Type.Optional(Geo),
  deviceTypes: Type.Optional(List(Type.Enum([...DEVICE_TYPES]), DEVICE_TYPES.length)),
  os: Type.Optional(List(Text(50))),
  browsers: Type.Optional(List(Text(50))),
  languages: Type.Optional(List(Language, 200)),
  keywords: Type.Optional(Keywords),
  segments: Type.Optional(Segments),
  keyValues: Type.Optional(KeyValues),
  dayParts: Type.Optional(List(DayPart, 100)),
  domains: Type.Optional(AllowBlock(Domain)),
  placements: Type.Optional(List(Type.String({ format: 'uuid' }), 1000)),
  categories: Type.Optional(AllowBlock(Category)),
};

export const TargetingDimensions = Type.Object(dimensions, Closed);

/** The targeting object shared by campaigns and line items (docs/targeting.md). */
export const Targeting = Type.Object(
  { ...dimensions, exclude: Type.Optional(TargetingDimensions) },
  { ...Closed, description: 'Every key optional; absent = no restriction. See docs/targeting.md.' },
);

// The schema and the domain type must describe the same object.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesDomain: Same<Static<typeof Targeting>, TargetingType> = true;
void schemaMatchesDomain;
