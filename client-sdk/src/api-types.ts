/**
 * Wire types of the REST API, derived from the TypeBox schemas of the contract (`./contract/`),
 * which the server validates with. Type-only: importing these adds no code.
 */
import type { Static } from '@sinclair/typebox';
import type * as accounts from './contract/accounts.ts';
import type * as agencies from './contract/agencies.ts';
import type * as messages from './contract/messages.ts';
import type * as threads from './contract/threads.ts';
import type * as absences from './contract/absences.ts';
import type * as notifications from './contract/notifications.ts';
import type * as realtime from './contract/realtime.ts';

export type Me = Static<typeof accounts.Me>;
export type Membership = Static<typeof accounts.Membership>;
export type SessionResponse = Static<typeof accounts.SessionResponse>;
export type LoginResponse = Static<typeof accounts.LoginResponse>;
export type PreloginResponse = Static<typeof accounts.PreloginResponse>;
export type ResumeResponse = Static<typeof accounts.ResumeResponse>;
export type SessionInfo = Static<typeof accounts.SessionInfo>;
export type Topic = Static<typeof agencies.Topic>;
export type AgencySummary = Static<typeof agencies.AgencySummary>;
export type AbsenceNotice = Static<typeof agencies.AbsenceNotice>;
export type AgencyDetail = Static<typeof agencies.AgencyDetail>;
export type AdminAgency = Static<typeof agencies.AdminAgency>;
export type AgencyCounsellorKeys = Static<typeof agencies.AgencyCounsellorKeys>;
export type LinkView = Static<typeof agencies.LinkView>;
export type PostcodeRange = Static<typeof agencies.PostcodeRange>;
export type StaffCreated = Static<typeof agencies.StaffCreated>;
export type StaffMember = Static<typeof agencies.StaffMember>;
export type AccessLog = Static<typeof agencies.AccessLog>;
export type AccessLogEntry = Static<typeof agencies.AccessLogEntry>;
export type CreateTopicInput = Static<typeof agencies.CreateTopicBody>;
export type CreateAgencyInput = Static<typeof agencies.CreateAgencyBody>;
export type CreateStaffInput = Static<typeof agencies.CreateStaffBody>;
export type IntakeView = Static<typeof threads.IntakeView>;
export type ThreadStatus = Static<typeof threads.ThreadStatusSchema>;
export type ThreadSummary = Static<typeof threads.ThreadSummary>;
export type ThreadDetail = Static<typeof threads.ThreadDetail>;
export type ThreadMembers = Static<typeof threads.ThreadMembers>;
export type ThreadMember = Static<typeof threads.ThreadMember>;
export type EnvelopeInput = Static<typeof threads.EnvelopeInput>;
export type ListThreadsQuery = Static<typeof threads.ListThreadsQuery>;
export type MessageView = Static<typeof messages.MessageView>;
export type HistoryPage = Static<typeof messages.HistoryPage>;
export type AbsenceView = Static<typeof absences.AbsenceView>;
export type NotificationView = Static<typeof notifications.NotificationView>;
export type PresenceView = Static<typeof realtime.PresenceView>;
export type ClientFrame = realtime.ClientFrame;
export type ServerFrame = realtime.ServerFrame;
