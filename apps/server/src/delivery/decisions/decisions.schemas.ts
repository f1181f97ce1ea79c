import Type, { type Static } from 'typebox';
import { USER_KEY_MAX_CHARS, USER_KEY_PATTERN } from '../../modules/segments/user-keys.js';

/** How many placements one decision request may ask for, and ads per placement. */
export const MAX_SLOTS = 20;
export const MAX_ADS_PER_SLOT = 10;

const Slot = Type.Object(
  {
    divName: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Your name for this slot on the page; the answer is keyed by it. Unique within the request.',
    }),
    placementId: Type.String({ format: 'uuid', description: 'The placement (ad unit) to fill.' }),
    count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_ADS_PER_SLOT, description: 'How many different ads to return for this slot (default 1).' }),
    ),
  },
  { additionalProperties: false },
);

const Consent = Type.Object(
  {
    gdpr: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { description: '1 when GDPR applies to this user.' })),
    tcString: Type.Optional(Type.String({ maxLength: 8192, description: 'IAB TCF v2 consent string.' })),
    usPrivacy: Type.Optional(Type.String({ pattern: '^[1-9][YNyn-]{3}$', description: 'IAB US Privacy string, e.g. `1YNN`.' })),
    gpp: Type.Optional(Type.String({ maxLength: 8192, description: 'IAB Global Privacy Platform string.' })),
    coppa: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)], { description: '1 when the request is subject to COPPA.' })),
  },
  { additionalProperties: false },
);

const KeyValue = Type.Union([Type.String({ maxLength: 256 }), Type.Array(Type.String({ maxLength: 256 }), { maxItems: 50 })]);

export const DecisionRequestBody = Type.Object(
  {
    placements: Type.Array(Slot, { minItems: 1, maxItems: MAX_SLOTS }),
    user: Type.Optional(
      Type.Object(
        {
          key: Type.String({
            minLength: 1,
            maxLength: USER_KEY_MAX_CHARS,
            pattern: USER_KEY_PATTERN,
            description:
              'Your first-party id of the user (no control characters), as in segment uploads: frequency caps and segments key on it.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
    keyValues: Type.Optional(
      Type.Record(Type.String(), KeyValue, {
        maxProperties: 50,
        propertyNames: { pattern: '^[A-Za-z0-9_.:-]{1,64}$' },
        description: 'Custom key-values matched by `keyValues` targeting: a value or a list of values per key.',
      }),
    ),
    url: Type.Optional(Type.String({ maxLength: 4096, description: 'The page URL (its domain is matched by `domains` targeting).' })),
    referrer: Type.Optional(Type.String({ maxLength: 4096 })),
    ip: Type.Optional(
      Type.String({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], description: 'The end user’s IP; default the caller’s.' }),
    ),
    userAgent: Type.Optional(Type.String({ maxLength: 1024, description: 'The end user’s user agent; default the caller’s.' })),
    consent: Type.Optional(Consent),
    explain: Type.Optional(
      Type.Boolean({
        description:
          'Return why each line item won or lost. Needs an API key or session of the organization that owns the placements (401/403 otherwise).',
      }),
    ),
    explainLineItemIds: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        maxItems: 100,
        description:
          'With `explain`: the line items whose failing targeting dimension to name. Default: every line item when the organization delivers at most 1,000, otherwise only a count of those targeting removed.',
      }),
    ),
    allowDuplicateAdvertisers: Type.Optional(
      Type.Boolean({ description: 'Allow one advertiser in several slots of this request (competitive separation is on by default).' }),
    ),
  },
  { additionalProperties: false },
);
export type DecisionRequestBody = Static<typeof DecisionRequestBody>;

const NativeAd = Type.Unknown({ description: 'OpenRTB Native 1.2 response object.' });

export const Ad = Type.Object({
  decisionId: Type.String({ description: 'Unique per ad served; the id its events carry.' }),
  lineItemId: Type.String(),
  campaignId: Type.String(),
  advertiserId: Type.String(),
  creativeId: Type.String(),
  format: Type.Enum(['image', 'html', 'native', 'video']),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  html: Type.String({ description: 'Markup to render in a sandboxed iframe.' }),
  imageUrl: Type.Optional(Type.String()),
  clickUrl: Type.String({ description: 'Signed click URL: redirects to the landing page and counts the click.' }),
  impressionUrl: Type.String({ description: 'Signed impression URL: request it when the ad renders.' }),
  viewableUrl: Type.String({ description: 'Signed viewability URL: request it once the ad has been 50% in view for 1 s.' }),
  vastUrl: Type.Optional(Type.String({ description: 'Video: a VAST 4.2 document for this ad.' })),
  native: Type.Optional(NativeAd),
});
export type Ad = Static<typeof Ad>;

export const FallbackAd = Type.Object({
  fallback: Type.Enum(['passback', 'house'], { description: 'Nothing was eligible: the placement’s passback markup or house creative.' }),
  format: Type.Enum(['image', 'html', 'native', 'video']),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  html: Type.String(),
  creativeId: Type.Optional(Type.String()),
});
export type FallbackAd = Static<typeof FallbackAd>;

export const DecisionResponse = Type.Object({
  decisions: Type.Record(Type.String(), Type.Union([Type.Array(Type.Union([Ad, FallbackAd])), Type.Null()]), {
    description: 'By divName: the ads chosen; the placement’s fallback when nothing is eligible and it has one; otherwise null.',
  }),
  explanation: Type.Optional(
    Type.Unknown({ description: 'With `explain: true`: for each slot, every line item and the step that removed it, or `won`.' }),
  ),
});
export type DecisionResponse = Static<typeof DecisionResponse>;
