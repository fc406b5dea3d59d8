import type { Generated } from 'kysely';

export interface AbsenceNoticesTable {
  userId: string;
  /** Written by the counsellor for seekers to see; not counselling content. */
  message: string;
  until: Date | null;
  updatedAt: Generated<Date>;
}
