import type { Kysely, Transaction } from 'kysely';
import type { AbsenceNoticesTable } from '../absences/table.ts';
import type { ResumeCodesTable, TokensTable, UsersTable } from '../accounts/table.ts';
import type {
  AgenciesTable,
  AgencyMembersTable,
  AgencyPostcodeRangesTable,
  AgencyTopicsTable,
  TopicsTable,
} from '../agencies/table.ts';
import type { MessagesTable } from '../messages/table.ts';
import type { NotificationsTable } from '../notifications/table.ts';
import type {
  TeamViewAccessLogTable,
  ThreadEpochsTable,
  ThreadKeyEnvelopesTable,
  ThreadsTable,
} from '../threads/table.ts';

/** The whole database, assembled from each domain's table file. */
export interface DB {
  users: UsersTable;
  tokens: TokensTable;
  resumeCodes: ResumeCodesTable;
  topics: TopicsTable;
  agencies: AgenciesTable;
  agencyTopics: AgencyTopicsTable;
  agencyPostcodeRanges: AgencyPostcodeRangesTable;
  agencyMembers: AgencyMembersTable;
  threads: ThreadsTable;
  threadEpochs: ThreadEpochsTable;
  threadKeyEnvelopes: ThreadKeyEnvelopesTable;
  teamViewAccessLog: TeamViewAccessLogTable;
  messages: MessagesTable;
  absenceNotices: AbsenceNoticesTable;
  notifications: NotificationsTable;
}

export type Db = Kysely<DB>;
export type Trx = Transaction<DB>;
