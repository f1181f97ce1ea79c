import { DEVICE_TYPES, type DeviceType, invalidField } from '@adplatform/domain';
import Type from 'typebox';
import { Micros } from '../resources/resource.schemas.js';
import { Country } from '../targeting/targeting.schemas.js';

/** Sizes as OpenRTB and Prebid write them: `300x250`. */
const SIZE = /^([1-9][0-9]{0,4})x([1-9][0-9]{0,4})$/;
const MAX_SIDE = 10_000;
export const MAX_FLOOR_RULES = 100;

const FloorRule = Type.Object(
  {
    country: Type.Optional(
      Type.Array(Country, { minItems: 1, maxItems: 300, uniqueItems: true, description: 'The request’s country is one of these.' }),
    ),
    deviceType: Type.Optional(
      Type.Array(Type.Enum([...DEVICE_TYPES]), {
        minItems: 1,
        uniqueItems: true,
        description: 'The request’s device type is one of these.',
      }),
    ),
    size: Type.Optional(
      Type.Array(Type.String({ pattern: SIZE.source, description: '`WIDTHxHEIGHT` in CSS pixels, e.g. `300x250`.' }), {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'The ad’s size is one of these (a video or native ad without a size matches no size list).',
      }),
    ),
    floorMicros: Micros('The floor where the rule matches, per thousand impressions (CPM).'),
  },
  { additionalProperties: false },
);

export const FloorRules = Type.Array(FloorRule, {
  maxItems: MAX_FLOOR_RULES,
  description:
    'Floors by country, device type and ad size. Of the rules that match a request and an ad, the one with the most conditions wins, ties to the first listed; ' +
    'the effective floor is the highest of the placement’s `floorMicros`, the request’s own floor (OpenRTB `imp.bidfloor`) and that rule’s.',
});

/** One stored rule: the request's field names and shapes (`size` as `300x250` strings). */
export interface FloorRule {
  country?: string[] | undefined;
  deviceType?: DeviceType[] | undefined;
  size?: string[] | undefined;
  floorMicros: number;
}

/** What a schema cannot say: each size's sides are at most 10,000 px. Throws VALIDATION_FAILED naming `floorRules[i].size[j]`. */
export function checkFloorRules(rules: readonly FloorRule[], path: string): FloorRule[] {
  rules.forEach((rule, i) => {
    rule.size?.forEach((size, j) => {
      const [, width, height] = SIZE.exec(size) ?? [];
      if (Number(width) > MAX_SIDE || Number(height) > MAX_SIDE)
        throw invalidField(`${path}[${i}].size[${j}]`, `must be at most ${MAX_SIDE}x${MAX_SIDE}`);
    });
  });
  return [...rules];
}

/** `300x250` as a size; undefined when it is not one. */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const [, width, height] = SIZE.exec(size) ?? [];
  return width === undefined || height === undefined ? undefined : { width: Number(width), height: Number(height) };
}
