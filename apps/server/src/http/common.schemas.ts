import { ROLES } from '@adplatform/domain';
import Type, { type TSchema } from 'typebox';

/** Every list endpoint pages the same way: `?limit=&cursor=` → `{ items, nextCursor }`. */
export const PageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page.' }),
    cursor: Type.Optional(Type.String({ format: 'uuid', description: 'The `nextCursor` of the previous page.' })),
  },
  { additionalProperties: false },
);

export const PageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const RoleSchema = Type.Enum([...ROLES], { description: 'owner, admin, advertiser, publisher or analyst (read-only).' });

/** An instant, sent as an ISO 8601 string; handlers may return a Date (the serializer formats it). */
export const DateTime = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }));
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const Email = Type.String({ format: 'email', maxLength: 254 });
export const NewPassword = Type.String({ minLength: 12, maxLength: 1024, description: 'At least 12 characters.' });
