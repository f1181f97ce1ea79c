import Type, { type Static } from 'typebox';
import { ListQuery, Name, ResourceFields } from '../resources/resource.schemas.js';

export const SITE_STATUSES = ['active', 'paused', 'archived'] as const;
export const SITE_TYPES = ['site', 'app'] as const;
export type SiteType = (typeof SITE_TYPES)[number];

/** An IAB content category id (taxonomy 1.0, as OpenRTB 2.x `cat`): `IAB1`, `IAB1-2`. */
export const IabCategory = Type.String({ pattern: '^IAB[1-9][0-9]?(-[1-9][0-9]?)?$', description: 'e.g. `IAB1` or `IAB1-2`.' });
const Categories = Type.Array(IabCategory, { maxItems: 50, uniqueItems: true, description: 'IAB content categories.' });
const Domain = Type.String({
  minLength: 3,
  maxLength: 253,
  description: 'Sites: the host name, e.g. `news.example.com` (stored in lower case).',
});
const BundleId = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'Apps: the store bundle id, reverse-DNS (`com.example.news`) or an App Store numeric id (`389801252`, `id389801252`).',
});
const StoreUrl = Type.String({ format: 'uri', maxLength: 2000, description: 'Apps: the app store page (http or https).' });

export interface SiteData {
  type: SiteType;
  domain?: string | undefined;
  bundleId?: string | undefined;
  storeUrl?: string | undefined;
  categories: string[];
}

export const SiteView = Type.Object({
  ...ResourceFields,
  status: Type.Enum([...SITE_STATUSES]),
  publisherId: Type.String({ format: 'uuid' }),
  type: Type.Enum([...SITE_TYPES]),
  domain: Type.Optional(Type.String()),
  bundleId: Type.Optional(Type.String()),
  storeUrl: Type.Optional(Type.String()),
  categories: Type.Array(Type.String()),
});
export type SiteView = Static<typeof SiteView>;

export const CreateSiteBody = Type.Object(
  {
    publisherId: Type.String({ format: 'uuid', description: 'The publisher that sells this site or app.' }),
    name: Name,
    type: Type.Enum([...SITE_TYPES], { description: '`site` needs a `domain`; `app` needs a `bundleId`.' }),
    domain: Type.Optional(Domain),
    bundleId: Type.Optional(BundleId),
    storeUrl: Type.Optional(StoreUrl),
    categories: Type.Optional(Categories),
    status: Type.Optional(Type.Enum(['active', 'paused'])),
  },
  { additionalProperties: false },
);
export type CreateSiteBody = Static<typeof CreateSiteBody>;

/** The publisher and the type are fixed at creation. */
export const UpdateSiteBody = Type.Object(
  {
    name: Type.Optional(Name),
    domain: Type.Optional(Domain),
    bundleId: Type.Optional(BundleId),
    storeUrl: Type.Optional(Type.Union([StoreUrl, Type.Null()], { description: 'null removes it.' })),
    categories: Type.Optional(Categories),
    status: Type.Optional(Type.Enum([...SITE_STATUSES])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSiteBody = Static<typeof UpdateSiteBody>;

export const SiteListQuery = ListQuery(SITE_STATUSES, {
  publisherId: Type.Optional(Type.String({ format: 'uuid' })),
  type: Type.Optional(Type.Enum([...SITE_TYPES])),
});
