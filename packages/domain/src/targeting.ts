/**
 * Targeting: who, where and when a campaign or line item may deliver. One
 * shape for both (docs/targeting.md). Every key is optional and an absent key
 * means no restriction; present dimensions must all match (AND), the values
 * inside one list are alternatives (OR). The decision engine compiles this
 * object into its index; the management API validates it.
 */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'ctv'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** A circle on the map: requests whose location is within `km` of the point match. */
export interface GeoRadius {
  lat: number;
  lon: number;
  km: number;
}

/** Locations; a request matches when it is in any one of them. */
export interface GeoTargeting {
  /** ISO 3166-1 alpha-2, uppercase: `US`. */
  countries?: string[];
  /** ISO 3166-2: `US-CA`. */
  regions?: string[];
  cities?: string[];
  /** Nielsen DMA / Google metro codes: `501`. */
  metros?: string[];
  radius?: GeoRadius[];
}

/** `any`: at least one present; `all`: every one present; `none`: none present. */
export interface KeywordTargeting {
  any?: string[];
  all?: string[];
  none?: string[];
}

/** Audience segment ids: the user is in at least one of `any` and in none of `none`. */
export interface SegmentTargeting {
  any?: string[];
  none?: string[];
}

/** `allow` non-empty: only those; `block`: never those. */
export interface AllowBlock {
  allow?: string[];
  block?: string[];
}

/** Hours [startHour, endHour) on the given days, in the campaign's timezone. */
export interface DayPart {
  days: Weekday[];
  /** 0..23, inclusive. */
  startHour: number;
  /** 1..24, exclusive; greater than startHour. */
  endHour: number;
}

/** The dimensions, each an inclusion. */
export interface TargetingDimensions {
  geo?: GeoTargeting;
  deviceTypes?: DeviceType[];
  os?: string[];
  browsers?: string[];
  /** ISO 639-1, lowercase: `en`. */
  languages?: string[];
  keywords?: KeywordTargeting;
  segments?: SegmentTargeting;
  /** Custom key-values from the ad request: every key listed must have one of its values. */
  keyValues?: Record<string, string[]>;
  dayParts?: DayPart[];
  /** Site domains and app bundle ids. */
  domains?: AllowBlock;
  /** Placement ids; empty or absent means every placement. */
  placements?: string[];
  /** IAB content categories: `IAB25`, `IAB1-2`. */
  categories?: AllowBlock;
}

/** What a campaign or line item targets: inclusions plus `exclude`, where each present dimension that matches rules the request out. */
export interface Targeting extends TargetingDimensions {
  exclude?: TargetingDimensions;
}

/** The top-level keys of a targeting object, in the documented order. */
export const TARGETING_KEYS = [
  'geo',
  'deviceTypes',
  'os',
  'browsers',
  'languages',
  'keywords',
  'segments',
  'keyValues',
  'dayParts',
  'domains',
  'placements',
  'categories',
  'exclude',
] as const satisfies readonly (keyof Targeting)[];
