import { Type, type Static } from '@sinclair/typebox';
import { Email, LinkCode, Name, Postcode, Timestamp, UserKeys, Uuid } from '../common/schemas.ts';

export const Topic = Type.Object({ id: Uuid, name: Type.String(), virtualAgencyId: Type.Union([Uuid, Type.Null()]) });
export const TopicList = Type.Object({ topics: Type.Array(Topic) });

export const AgencySummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  isTeam: Type.Boolean(),
  isVirtual: Type.Boolean(),
});
export type AgencySummaryView = Static<typeof AgencySummary>;

export const FindAgenciesQuery = Type.Object({ topicId: Uuid, postcode: Postcode });
export const AgencyList = Type.Object({ agencies: Type.Array(AgencySummary) });

export const AgencyCounsellorKeys = Type.Object({ agencyId: Uuid, counsellors: Type.Array(UserKeys) });

export const LinkParams = Type.Object({ code: LinkCode });
export const LinkView = Type.Object({
  kind: Type.Union([Type.Literal('counsellor'), Type.Literal('agency')]),
  agencyId: Uuid,
  agencyName: Type.String(),
  counsellorId: Type.Union([Uuid, Type.Null()]),
  counsellorName: Type.Union([Type.String(), Type.Null()]),
});

export const PostcodeRange = Type.Object({ from: Postcode, to: Postcode });
export type PostcodeRangeInput = Static<typeof PostcodeRange>;

export const CreateTopicBody = Type.Object({
  name: Name,
  /** Name of the topic's virtual ("white spot") agency; defaults to "<topic> (online)". */
  virtualAgencyName: Type.Optional(Name),
  virtualAgencyIsTeam: Type.Optional(Type.Boolean()),
});
export type CreateTopicInput = Static<typeof CreateTopicBody>;

export const CreateAgencyBody = Type.Object({
  name: Name,
  isTeam: Type.Boolean(),
  topicIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
  postcodeRanges: Type.Array(PostcodeRange, { maxItems: 1000 }),
});
export type CreateAgencyInput = Static<typeof CreateAgencyBody>;

export const AgencyDetail = Type.Object({
  id: Uuid,
  name: Type.String(),
  isTeam: Type.Boolean(),
  isVirtual: Type.Boolean(),
  linkCode: Type.String(),
});
export type AgencyDetailView = Static<typeof AgencyDetail>;

export const AddPostcodeRangesBody = Type.Object({ ranges: Type.Array(PostcodeRange, { minItems: 1, maxItems: 1000 }) });
export const AddTopicsBody = Type.Object({ topicIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }) });

export const CreateStaffBody = Type.Object({
  role: Type.Union([Type.Literal('counsellor'), Type.Literal('admin')]),
  displayName: Name,
  email: Type.Optional(Email),
  agencyIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }),
  isAgencyAdmin: Type.Optional(Type.Boolean()),
});
export type CreateStaffInput = Static<typeof CreateStaffBody>;
export const StaffCreated = Type.Object({ userId: Uuid, activationCode: Type.String() });

export const AddMemberBody = Type.Object({ userId: Uuid, isAgencyAdmin: Type.Optional(Type.Boolean()) });
export const MemberParams = Type.Object({ id: Uuid, userId: Uuid });

export const AccessLogEntry = Type.Object({
  id: Uuid,
  threadId: Uuid,
  agencyId: Uuid,
  counsellorId: Uuid,
  action: Type.Union([Type.Literal('read'), Type.Literal('write')]),
  accessedAt: Timestamp,
});
export type AccessLogEntryView = Static<typeof AccessLogEntry>;
export const AccessLog = Type.Object({ entries: Type.Array(AccessLogEntry) });
export const AccessLogQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
