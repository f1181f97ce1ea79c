import Type from 'typebox';
import { DateTime, Email, NewPassword, NullableDateTime, RoleSchema } from '../../http/common.schemas.js';

export const UserView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    organizationId: Type.String({ format: 'uuid' }),
    email: Type.String(),
    name: Type.Union([Type.String(), Type.Null()]),
    role: RoleSchema,
    status: Type.Enum(['active', 'invited', 'deactivated']),
    isPlatformAdmin: Type.Boolean(),
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
  },
  { additionalProperties: false, minProperties: 1 },
);
