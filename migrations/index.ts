import type { Migration } from 'kysely';
import * as initial from './2026_11_24_1000_initial.ts';
import * as notifications from './2026_11_24_1200_notifications.ts';
import * as resumeCodes from './2026_11_25_1000_resume_codes.ts';
import * as mailOutboxLease from './2026_11_26_1000_mail_outbox_lease.ts';

/**
 * Every migration, by name. Names sort by their date prefix; a static list (rather than a
 * folder scan) works the same under tsx, vitest and a bundler.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_24_1000_initial': initial,
  '2026_11_24_1200_notifications': notifications,
  '2026_11_25_1000_resume_codes': resumeCodes,
  '2026_11_26_1000_mail_outbox_lease': mailOutboxLease,
};
