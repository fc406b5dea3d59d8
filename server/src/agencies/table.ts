import type { ColumnType, Generated, Selectable } from 'kysely';

export interface TopicsTable {
  id: ColumnType<string, string, never>;
  name: string;
  createdAt: Generated<Date>;
}

export interface AgenciesTable {
  id: ColumnType<string, string, never>;
  name: string;
  isTeam: Generated<boolean>;
  /** Set on the topic's virtual ("white spot") agency, which has no postcode limit. */
  virtualForTopicId: string | null;
  linkCode: ColumnType<string, string, never>;
  createdAt: Generated<Date>;
}

export interface AgencyTopicsTable {
  agencyId: string;
  topicId: string;
}

export interface AgencyPostcodeRangesTable {
  id: ColumnType<string, string, never>;
  agencyId: string;
  postcodeFrom: string;
  postcodeTo: string;
}

export interface AgencyMembersTable {
  agencyId: ColumnType<string, string, never>;
  userId: ColumnType<string, string, never>;
  isAgencyAdmin: Generated<boolean>;
  /** The counsellor's personal registration link for this agency. */
  personalCode: ColumnType<string, string, never>;
  createdAt: Generated<Date>;
}

export type AgencyRow = Selectable<AgenciesTable>;
export type TopicRow = Selectable<TopicsTable>;
