import Type, { type Static } from 'typebox';
import { ListQuery, Name, ResourceFields } from '../resources/resource.schemas.js';
import { Category } from '../targeting/targeting.schemas.js';

/** A creative's `status` is its review status (the campaigns module reads it: only `approved` creatives deliver). */
export const CREATIVE_STATUSES = ['pending', 'approved', 'rejected', 'archived'] as const;
export type CreativeStatus = (typeof CREATIVE_STATUSES)[number];
export const CREATIVE_FORMATS = ['image', 'html', 'native', 'video'] as const;
export type CreativeFormat = (typeof CREATIVE_FORMATS)[number];

export const MAX_IMPRESSION_TRACKERS = 5;
export const MAX_HTML_BYTES = 100_000;
/** Creatives are ad slots, not posters; the bound also caps the pixels an upload may make us decode. */
export const MAX_DIMENSION = 4096;

const HttpUrl = (description: string) => Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048, description });
const HttpsUrl = (description: string) => Type.String({ format: 'uri', pattern: '^https://', maxLength: 2048, description });
const Dimension = (what: string) => Type.Integer({ minimum: 1, maximum: MAX_DIMENSION, description: `${what} in CSS pixels.` });

export const ClickUrl = HttpUrl('The landing page a click goes to (http or https).');
export const ImpressionTrackers = Type.Array(HttpsUrl('A third-party pixel requested on every impression.'), {
  maxItems: MAX_IMPRESSION_TRACKERS,
  description: `Up to ${MAX_IMPRESSION_TRACKERS} https URLs.`,
});

export const Categories = Type.Array(Category, {
  maxItems: 20,
  uniqueItems: true,
  description:
    'IAB content categories of the ad (IAB Content Taxonomy 1.0, as OpenRTB `cat`: `IAB8-5`): sent as `cat` on our bids; a request whose `bcat` lists one (or its parent, `IAB8`) does not get this creative.',
});

export const Html = Type.String({
  minLength: 1,
  maxLength: MAX_HTML_BYTES,
  description:
    'Markup stored as is. It is only ever served inside a sandboxed iframe (no same-origin access), never from /assets or the API origin.',
});

export const NativeAssets = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 90 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    imageUrl: HttpsUrl('Main image.'),
    iconUrl: Type.Optional(HttpsUrl('Square icon or logo.')),
    callToAction: Type.Optional(Type.String({ maxLength: 30, description: 'e.g. "Shop now".' })),
    sponsor: Type.String({ minLength: 1, maxLength: 100, description: 'Shown as "Sponsored by …".' }),
  },
  { additionalProperties: false },
);

const MediaFile = Type.Object(
  {
    url: HttpsUrl('The media file.'),
    mimeType: Type.String({ pattern: '^video/[a-z0-9.+-]+$', maxLength: 100, description: 'e.g. video/mp4.' }),
    width: Dimension('Width'),
    height: Dimension('Height'),
    bitrateKbps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);

export const VideoAssets = Type.Object(
  {
    vastTagUrl: Type.Optional(HttpsUrl('A VAST tag to wrap. Give this or `mediaFiles`.')),
    mediaFiles: Type.Optional(Type.Array(MediaFile, { minItems: 1, maxItems: 10 })),
    durationSeconds: Type.Integer({ minimum: 1, maximum: 600 }),
  },
  { additionalProperties: false },
);

const Asset = Type.Object({
  url: Type.String({ description: 'Under /assets/: content-addressed, cacheable forever.' }),
  contentType: Type.String(),
  bytes: Type.Integer(),
  width: Type.Integer(),
  height: Type.Integer(),
});
export type Asset = Static<typeof Asset>;

export const CreativeView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...CREATIVE_STATUSES], { description: 'Review status: new and changed creatives are `pending`.' }),
  advertiserId: Type.String({ format: 'uuid' }),
  format: Type.Enum([...CREATIVE_FORMATS]),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  clickUrl: Type.String(),
  impressionTrackers: Type.Array(Type.String()),
  rejectionReason: Type.Optional(Type.String()),
  assets: Type.Optional(
    Type.Object({ original: Asset, webp: Asset }, { description: 'Image creatives: the upload as sent, and a WebP variant.' }),
  ),
  html: Type.Optional(Type.String()),
  native: Type.Optional(NativeAssets),
  video: Type.Optional(VideoAssets),
  categories: Type.Optional(Type.Array(Type.String())),
  lineItemIds: Type.Optional(Type.Array(Type.String(), { description: 'Line items that rotate it (single reads only).' })),
});
export type CreativeView = Static<typeof CreativeView>;

/** The body of a creative, as stored (ADR 0007). Line items refer to creatives by id in their own data. */
export interface CreativeData {
  format: CreativeFormat;
  width?: number | undefined;
  height?: number | undefined;
  clickUrl: string;
  impressionTrackers: string[];
  rejectionReason?: string | undefined;
  assets?: { original: Asset; webp: Asset } | undefined;
  html?: string | undefined;
  native?: Static<typeof NativeAssets> | undefined;
  video?: Static<typeof VideoAssets> | undefined;
  /** IAB content categories (`IAB8-5`). Absent: none declared. */
  categories?: string[] | undefined;
}

const common = {
  advertiserId: Type.String({ format: 'uuid' }),
  name: Name,
  width: Type.Optional(Dimension('Width (required for html; optional for native and video)')),
  height: Type.Optional(Dimension('Height (required for html; optional for native and video)')),
  clickUrl: ClickUrl,
  impressionTrackers: Type.Optional(ImpressionTrackers),
  categories: Type.Optional(Categories),
};

export const CreateCreativeJsonBody = Type.Object(
  {
    ...common,
    format: Type.Enum(['html', 'native', 'video'], { description: 'Image creatives are uploaded as multipart/form-data instead.' }),
    html: Type.Optional(Html),
    native: Type.Optional(NativeAssets),
    video: Type.Optional(VideoAssets),
  },
  { additionalProperties: false },
);
export type CreateCreativeJsonBody = Static<typeof CreateCreativeJsonBody>;

export const UpdateCreativeBody = Type.Object(
  {
    name: Type.Optional(Name),
    clickUrl: Type.Optional(ClickUrl),
    impressionTrackers: Type.Optional(ImpressionTrackers),
    width: Type.Optional(Dimension('Width (html, native and video only; an image has the size of its file)')),
    height: Type.Optional(Dimension('Height (html, native and video only)')),
    html: Type.Optional(Html),
    native: Type.Optional(NativeAssets),
    video: Type.Optional(VideoAssets),
    categories: Type.Optional(Categories),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Anything but the name is reviewed content: changing it sends the creative back to `pending`.',
  },
);
export type UpdateCreativeBody = Static<typeof UpdateCreativeBody>;

export const RejectCreativeBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Shown to the advertiser.' }) },
  { additionalProperties: false },
);

export const CreativeListQuery = ListQuery(CREATIVE_STATUSES, {
  advertiserId: Type.Optional(Type.String({ format: 'uuid' })),
  format: Type.Optional(Type.Enum([...CREATIVE_FORMATS])),
});
