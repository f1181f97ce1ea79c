import Type, { type Static } from 'typebox';
import { NullableDateTime } from '../../http/common.schemas.js';
import { Name, ResourceFields } from '../resources/resource.schemas.js';
import { USER_KEY_MAX_CHARS } from './user-keys.js';

export const SEGMENT_STATUSES = ['active', 'archived'] as const;

const Description = Type.String({ maxLength: 2000 });
const MembersChange = Type.Object({
  added: Type.Integer(),
  removed: Type.Integer(),
  rejected: Type.Integer({ description: 'Lines of an upload that were refused.' }),
});

export interface SegmentData {
  description: string;
  /** When members last changed (ISO 8601), and by how much. */
  membersUpdatedAt?: string | undefined;
  lastMembersChange?: Static<typeof MembersChange> | undefined;
}

const SegmentFields = {
  ...ResourceFields,
  status: Type.Enum([...SEGMENT_STATUSES]),
  description: Type.String(),
  membersUpdatedAt: NullableDateTime,
  lastMembersChange: Type.Union([MembersChange, Type.Null()]),
};
/** The stored part of the view (what the audit log records); the API adds the live member count. */
export const SegmentRecordView = Type.Object(SegmentFields);
export type SegmentRecordView = Static<typeof SegmentRecordView>;
export const SegmentView = Type.Object({ ...SegmentFields, memberCount: Type.Integer({ description: 'User keys in the segment now.' }) });
export type SegmentView = Static<typeof SegmentView>;

export const CreateSegmentBody = Type.Object(
  { name: Name, description: Type.Optional(Description), status: Type.Optional(Type.Enum(['active'])) },
  { additionalProperties: false },
);
export type CreateSegmentBody = Static<typeof CreateSegmentBody>;

export const UpdateSegmentBody = Type.Object(
  { name: Type.Optional(Name), description: Type.Optional(Description), status: Type.Optional(Type.Enum([...SEGMENT_STATUSES])) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSegmentBody = Static<typeof UpdateSegmentBody>;

const UserKeys = Type.Array(Type.String({ minLength: 1, maxLength: USER_KEY_MAX_CHARS }), { maxItems: 10_000 });
export const ChangeMembersBody = Type.Object(
  {
    add: Type.Optional(UserKeys),
    remove: Type.Optional(UserKeys),
  },
  { additionalProperties: false, minProperties: 1, description: 'Up to 10,000 keys each; removals apply after additions.' },
);
export type ChangeMembersBody = Static<typeof ChangeMembersBody>;

export const ChangeMembersResult = Type.Object({ added: Type.Integer(), removed: Type.Integer(), total: Type.Integer() });
export type ChangeMembersResult = Static<typeof ChangeMembersResult>;

export const UploadResult = Type.Object({
  added: Type.Integer({ description: 'Keys that were not members before.' }),
  total: Type.Integer({ description: 'Members after the upload.' }),
  rejected: Type.Integer({ description: 'Lines refused; the others were still added.' }),
  errors: Type.Array(Type.Object({ line: Type.Integer(), message: Type.String() }), { description: 'The first few refused lines.' }),
});
export type UploadResult = Static<typeof UploadResult>;
