import Type from 'typebox';
import { DateTime, Email, NewPassword } from '../../http/common.schemas.js';
import { UserView } from '../users/users.schemas.js';

export const OrganizationView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  timezone: Type.String({ description: 'IANA time zone for reports and day boundaries.' }),
  createdAt: DateTime,
});

export const CreateOrganizationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: 'UTC' })),
    owner: Type.Object(
      {
        email: Email,
        password: NewPassword,
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const CreatedOrganization = Type.Object({ organization: OrganizationView, owner: UserView });
