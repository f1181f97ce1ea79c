import Type from 'typebox';
import { NewPassword, RoleSchema } from '../../http/common.schemas.js';
import { ApiKeyView } from '../api-keys/api-keys.schemas.js';
import { OrganizationView } from '../organizations/organizations.schemas.js';
import { UserView } from '../users/users.schemas.js';

export const LoginBody = Type.Object(
  {
    // Not format-checked: a sign-in form says only "wrong e-mail or password".
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const LoginResponse = Type.Object({
  user: UserView,
  csrfToken: Type.String({ description: 'Send as `X-CSRF-Token` with every cookie-authenticated change.' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const MeResponse = Type.Object({
  kind: Type.Enum(['user', 'api_key']),
  role: RoleSchema,
  isPlatformAdmin: Type.Boolean(),
  organization: OrganizationView,
  user: Type.Optional(UserView),
  apiKey: Type.Optional(ApiKeyView),
  csrfToken: Type.Optional(Type.String({ description: 'Present when signed in with the session cookie.' })),
});

export const AcceptInviteBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: NewPassword },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: NewPassword },
  { additionalProperties: false },
);
