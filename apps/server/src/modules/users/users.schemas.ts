import Type from 'typebox';
import { DateTime, Email, NewPassword, NullableDateTime, RoleSchema } from '../../http/common.schemas.js';

const IdList = (side: 'advertiser' | 'publisher') =>
  Type.Array(Type.String({ format: 'uuid' }), {
    maxItems: 500,
    uniqueItems: true,
    description:
      side === 'advertiser'
        ? 'Limits the caller to these advertisers of the organization and what lies below them; empty = no limit. Roles advertiser and analyst only; not with publisherIds (ADR 0017).'
        : 'Limits the caller to these publishers of the organization and what lies below them; empty = no limit. Roles publisher and analyst only; not with advertiserIds (ADR 0017).',
  });
/** The access limit fields, shared by users and API keys. */
export const ScopeFields = { advertiserIds: IdList('advertiser'), publisherIds: IdList('publisher') };

export const UserView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    organizationId: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: RoleSchema,
    status: Type.Enum(['active', 'invited', 'deactivated']),
    isPlatformAdmin: Type.Boolean(),
    ...ScopeFields,
    createdAt: DateTime,
    updatedAt: DateTime,
    lastLoginAt: NullableDateTime,
  },
  { description: 'A person who signs in to the dashboard.' },
);

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: RoleSchema,
    advertiserIds: Type.Optional(ScopeFields.advertiserIds),
    publisherIds: Type.Optional(ScopeFields.publisherIds),
    password: Type.Optional({
      ...NewPassword,
      description: 'Set to create an active user; omit to get a one-time invitation token instead.',
    }),
  },
  { additionalProperties: false },
);

export const CreatedUser = Type.Object({
  user: UserView,
  invitation: Type.Optional(
    Type.Object({
      token: Type.String({ description: 'Shown once. The invitee sends it with a password to POST /api/v1/auth/accept-invite.' }),
      expiresAt: DateTime,
    }),
  ),
});

export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    status: Type.Optional(Type.Enum(['active', 'deactivated'], { description: 'Deactivating ends every session of the user.' })),
    name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
    advertiserIds: Type.Optional({ ...ScopeFields.advertiserIds, description: 'Replaces the list; [] lifts the limit.' }),
    publisherIds: Type.Optional({ ...ScopeFields.publisherIds, description: 'Replaces the list; [] lifts the limit.' }),
  },
  { additionalProperties: false, minProperties: 1 },
);
