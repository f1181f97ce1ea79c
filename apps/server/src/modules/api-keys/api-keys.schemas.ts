import Type from 'typebox';
import { DateTime, NullableDateTime, RoleSchema } from '../../http/common.schemas.js';
import { ScopeFields } from '../users/users.schemas.js';

const KeyKind = Type.Enum(['api', 'ingest'], {
  description:
    '`api` keys call the management API with their role; `ingest` keys may only send events to `POST /t/events` (their role is not used).',
});

export const ApiKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  role: RoleSchema,
  kind: Type.Optional(KeyKind),
  ...ScopeFields,
  prefix: Type.String({ description: 'The public start of the key, to tell keys apart.' }),
  createdAt: DateTime,
  lastUsedAt: NullableDateTime,
  revokedAt: NullableDateTime,
});

export const CreatedApiKey = Type.Object({
  ...ApiKeyView.properties,
  key: Type.String({ description: 'The secret. Shown only in this response; send it as `Authorization: Bearer <key>`.' }),
});

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** Required for `api` keys; omitted for `ingest` keys (the service says so by field). */
    role: Type.Optional(RoleSchema),
    /** Default `api`. */
    kind: Type.Optional(KeyKind),
    /** Fixed at issue, like the role: to change a key's limit, issue a new key and revoke the old one. */
    advertiserIds: Type.Optional(ScopeFields.advertiserIds),
    publisherIds: Type.Optional(ScopeFields.publisherIds),
  },
  { additionalProperties: false },
);
