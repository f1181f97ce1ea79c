import type { Page, Resource, ResourceKind } from '@adplatform/domain';

export interface NewResource<D> {
  id: string;
  parentId: string | null;
  scopeId: string | null;
  name: string;
  status: string;
  data: D;
  createdAt: Date;
}

export interface ResourcePatch<D> {
  name?: string;
  status?: string;
  /** Replaces the whole body; services merge before they write. */
  data?: D;
  updatedAt: Date;
  /** When set, the update applies only if the stored version still equals it (optimistic locking). */
  expectedVersion?: number;
}

export interface ResourceFilter {
  status?: readonly string[];
  parentId?: string;
  scopeId?: string;
  /** Rows whose id is one of these (an empty list matches nothing). */
  ids?: readonly string[];
  /** Rows whose scope (advertiser or publisher) is one of these (an empty list matches nothing). */
  scopeIds?: readonly string[];
  /** Case-insensitive substring of the name. */
  search?: string;
  /** Rows whose body contains this JSON fragment (PostgreSQL `@>`), e.g. `{ creatives: [{ creativeId }] }`. */
  dataContains?: Record<string, unknown>;
}

export type ResourceSort = 'id' | 'name' | 'createdAt' | 'updatedAt';

export interface ResourceListRequest {
  limit: number;
  /** Opaque: the `nextCursor` of the previous page with the same sort. */
  cursor?: string | undefined;
  sort?: ResourceSort;
  order?: 'asc' | 'desc';
}

/**
 * One kind of resource of one organization. Tenancy as in MetadataStore: every
 * call takes the organization id and never sees another tenant's rows.
 * Returned objects are fresh copies.
 */
export interface ResourceStore<D> {
  readonly kind: ResourceKind;
  create(organizationId: string, resource: NewResource<D>): Promise<Resource<D>>;
  get(organizationId: string, id: string): Promise<Resource<D> | undefined>;
  /** The ones that exist, in no particular order; unknown or foreign ids are left out. */
  getMany(organizationId: string, ids: readonly string[]): Promise<Resource<D>[]>;
  /** Rejects with VALIDATION_FAILED (path `query.cursor`) on a cursor that is not one of ours. */
  list(organizationId: string, filter: ResourceFilter, page: ResourceListRequest): Promise<Page<Resource<D>>>;
  /**
   * Applies the patch and adds one to the version. Undefined when no such
   * resource in this organization; rejects with CONFLICT when `expectedVersion` is stale.
   */
  update(organizationId: string, id: string, patch: ResourcePatch<D>): Promise<Resource<D> | undefined>;
}

/** Members of audience segments: user keys, potentially millions per segment. */
export interface SegmentMemberStore {
  /** Adds keys (duplicates ignored); returns how many were new. */
  add(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number>;
  /** Removes keys; returns how many were there. */
  remove(organizationId: string, segmentId: string, userKeys: readonly string[]): Promise<number>;
  count(organizationId: string, segmentId: string): Promise<number>;
  /** The segments (of this organization) that contain the key. */
  segmentsOf(organizationId: string, userKey: string): Promise<string[]>;
  /**
   * One page of a segment's user keys in ascending order (the store's
   * collation: code points on PGlite and C-collated PostgreSQL), strictly
   * after `after` when given. Keyset pagination: walk a segment by passing the
   * last key of each page until a page is shorter than `limit`; each page is
   * one index range scan, so a walk of millions of keys stays linear. Empty
   * for an unknown or foreign segment. A walk concurrent with uploads sees
   * each key that stays a member throughout exactly once.
   */
  listMembers(organizationId: string, segmentId: string, page: { after?: string | undefined; limit: number }): Promise<string[]>;
}
