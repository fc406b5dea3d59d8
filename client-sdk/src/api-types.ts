/**
 * Wire types of the REST API, taken from the server's schemas at compile time only
 * (`import type`), so the SDK ships no server code.
 */
import type { Static } from '@sinclair/typebox';
import type * as accounts from '../../server/src/accounts/schemas.ts';
import type * as agencies from '../../server/src/agencies/schemas.ts';
import type * as messages from '../../server/src/messages/schemas.ts';
import type * as threads from '../../server/src/threads/schemas.ts';
import type * as absences from '../../server/src/absences/schemas.ts';
import type * as notifications from '../../server/src/notifications/schemas.ts';

export type Me = Static<typeof accounts.Me>;
export type SessionResponse = Static<typeof accounts.SessionResponse>;
export type LoginResponse = Static<typeof accounts.LoginResponse>;
export type PreloginResponse = Static<typeof accounts.PreloginResponse>;
export type Topic = Static<typeof agencies.Topic>;
export type AgencySummary = Static<typeof agencies.AgencySummary>;
export type AgencyDetail = Static<typeof agencies.AgencyDetail>;
export type AgencyCounsellorKeys = Static<typeof agencies.AgencyCounsellorKeys>;
export type LinkView = Static<typeof agencies.LinkView>;
export type StaffCreated = Static<typeof agencies.StaffCreated>;
export type AccessLog = Static<typeof agencies.AccessLog>;
export type CreateAgencyInput = Static<typeof agencies.CreateAgencyBody>;
export type CreateStaffInput = Static<typeof agencies.CreateStaffBody>;
export type IntakeView = Static<typeof threads.IntakeView>;
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
