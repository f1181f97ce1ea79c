import type { Role } from '@adplatform/domain';
import type { ResourceFilter, ResourceListRequest } from '@adplatform/ports';
import Type, { type TProperties } from 'typebox';
import { DateTime } from '../../http/common.schemas.js';

/** Who may read and who may change each side of the market. */
export const ADVERTISER_SIDE = {
  read: ['owner', 'admin', 'advertiser', 'analyst'],
  write: ['owner', 'admin', 'advertiser'],
} as const satisfies Record<string, readonly Role[]>;
export const PUBLISHER_SIDE = {
  read: ['owner', 'admin', 'publisher', 'analyst'],
  write: ['owner', 'admin', 'publisher'],
} as const satisfies Record<string, readonly Role[]>;
export const OPERATIONS = { read: ['owner', 'admin', 'analyst'], write: ['owner', 'admin'] } as const satisfies Record<
  string,
  readonly Role[]
>;

/** Fields every resource view has. */
export const ResourceFields = {
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  version: Type.Integer({ description: 'Starts at 1 and grows with every change.' }),
  createdAt: DateTime,
  updatedAt: DateTime,
};

export const Name = Type.String({ minLength: 1, maxLength: 200 });

/** A money amount in micro-units of the currency (1 USD = 1,000,000): a non-negative safe integer, never a float or a string. */
export const Micros = (description: string, minimum = 0) =>
  Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description: `${description} In micro-units (1.00 = 1000000).` });

/**
 * The list query every resource accepts: paging, sorting, status and name
 * search, plus the kind's own filters.
 */
export function ListQuery<P extends TProperties>(statuses: readonly string[], extra: P) {
  return Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      cursor: Type.Optional(Type.String({ maxLength: 500, description: 'The `nextCursor` of the previous page (same sort).' })),
      sort: Type.Enum(['id', 'name', 'createdAt', 'updatedAt'], { default: 'id', description: '`id` is creation order.' }),
      order: Type.Enum(['asc', 'desc'], { default: 'asc' }),
      status: Type.Optional(
        Type.Array(Type.Enum([...statuses]), { description: 'Repeat (`status=active&status=paused`) to match any of several.' }),
      ),
      search: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Case-insensitive part of the name.' })),
      ...extra,
    },
    { additionalProperties: false },
  );
}

interface BaseListQuery {
  limit: number;
  cursor?: string | undefined;
  sort: 'id' | 'name' | 'createdAt' | 'updatedAt';
  order: 'asc' | 'desc';
  status?: string[] | undefined;
  search?: string | undefined;
}

/** Splits a parsed list query into the store's filter and page request. */
export function toListRequest(query: BaseListQuery, filter: ResourceFilter = {}): { filter: ResourceFilter; page: ResourceListRequest } {
  return {
    filter: { ...filter, ...(query.status?.length ? { status: query.status } : {}), ...(query.search ? { search: query.search } : {}) },
    page: { limit: query.limit, cursor: query.cursor, sort: query.sort, order: query.order },
  };
}
