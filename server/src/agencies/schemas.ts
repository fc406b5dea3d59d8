import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/agencies.ts';

/** Wire schemas of this domain live in the SDK's contract; the server names the types it uses. */
export * from '../../../client-sdk/src/contract/agencies.ts';

export type AgencySummaryView = Static<typeof contract.AgencySummary>;
export type AbsenceNoticeView = Static<typeof contract.AbsenceNotice>;
export type PostcodeRangeInput = Static<typeof contract.PostcodeRange>;
export type CreateTopicInput = Static<typeof contract.CreateTopicBody>;
export type CreateAgencyInput = Static<typeof contract.CreateAgencyBody>;
export type AgencyDetailView = Static<typeof contract.AgencyDetail>;
export type AdminAgencyView = Static<typeof contract.AdminAgency>;
export type CreateStaffInput = Static<typeof contract.CreateStaffBody>;
export type StaffMemberView = Static<typeof contract.StaffMember>;
export type AccessLogEntryView = Static<typeof contract.AccessLogEntry>;
