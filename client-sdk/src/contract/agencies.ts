import { Type } from '@sinclair/typebox';
import { Email, LinkCode, Name, Postcode, Timestamp, UserKeys, Uuid } from './common.ts';

export const Topic = Type.Object({ id: Uuid, name: Type.String(), virtualAgencyId: Type.Union([Uuid, Type.Null()]) });
export const TopicList = Type.Object({ topics: Type.Array(Topic) });

/** A counsellor's absence notice as the landing page shows it (public by design, plain text). */
export const AbsenceNotice = Type.Object({
  counsellorName: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  until: Type.Union([Timestamp, Type.Null()]),
});

export const AgencySummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  isTeam: Type.Boolean(),
  isVirtual: Type.Boolean(),
  /** Absence notices in force of the agency's counsellors. */
  absenceNotices: Type.Array(AbsenceNotice),
});

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

export const CreateTopicBody = Type.Object({
  name: Name,
  /** Name of the topic's virtual ("white spot") agency; defaults to "<topic> (online)". */
  virtualAgencyName: Type.Optional(Name),
  virtualAgencyIsTeam: Type.Optional(Type.Boolean()),
});

export const CreateAgencyBody = Type.Object({
  name: Name,
  isTeam: Type.Boolean(),
  topicIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }),
  postcodeRanges: Type.Array(PostcodeRange, { maxItems: 1000 }),
});

export const AgencyDetail = Type.Object({
  id: Uuid,
  name: Type.String(),
  isTeam: Type.Boolean(),
  isVirtual: Type.Boolean(),
  linkCode: Type.String(),
});

/** What the admin console lists per agency: the detail plus topics, postcode ranges and members. */
export const AdminAgency = Type.Composite([
  AgencyDetail,
  Type.Object({
    topics: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
    postcodeRanges: Type.Array(PostcodeRange),
    members: Type.Array(
      Type.Object({ userId: Uuid, displayName: Type.Union([Type.String(), Type.Null()]), isAgencyAdmin: Type.Boolean() }),
    ),
  }),
]);
export const AdminAgencyList = Type.Object({ agencies: Type.Array(AdminAgency) });

export const AddPostcodeRangesBody = Type.Object({ ranges: Type.Array(PostcodeRange, { minItems: 1, maxItems: 1000 }) });
export const AddTopicsBody = Type.Object({ topicIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true }) });

export const StaffRole = Type.Union([Type.Literal('counsellor'), Type.Literal('admin')]);

export const CreateStaffBody = Type.Object({
  role: StaffRole,
  displayName: Name,
  email: Type.Optional(Email),
  agencyIds: Type.Array(Uuid, { maxItems: 100, uniqueItems: true }),
  isAgencyAdmin: Type.Optional(Type.Boolean()),
});
/** The activation code is shown once to the admin, who hands it to the person; the server keeps its hash. */
export const StaffCreated = Type.Object({ userId: Uuid, activationCode: Type.String() });

/** A staff account in the admin console; `username` stays null until the person activates it. */
export const StaffMember = Type.Object({
  id: Uuid,
  role: StaffRole,
  displayName: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  activated: Type.Boolean(),
  memberships: Type.Array(Type.Object({ agencyId: Uuid, agencyName: Type.String(), isAgencyAdmin: Type.Boolean() })),
});
export const StaffList = Type.Object({ staff: Type.Array(StaffMember) });

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
export const AccessLog = Type.Object({ entries: Type.Array(AccessLogEntry) });
export const AccessLogQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
