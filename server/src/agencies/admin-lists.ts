import type { ServiceContext } from '../context.ts';
import * as repo from './repository.ts';
import type { AdminAgencyView, StaffMemberView } from './schemas.ts';
import { detail } from './views.ts';

/** Groups rows by a key, keeping their order. */
function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}

/** Every agency with its topics, postcode ranges and members: four queries, whatever the number of agencies. */
export async function listAgencies(ctx: ServiceContext): Promise<{ agencies: AdminAgencyView[] }> {
  const [agencies, topics, ranges, members] = await Promise.all([
    repo.listAgencies(ctx.db),
    repo.listAllAgencyTopics(ctx.db),
    repo.listAllPostcodeRanges(ctx.db),
    repo.listAllMembers(ctx.db),
  ]);
  const topicsOf = groupBy(topics, (row) => row.agencyId);
  const rangesOf = groupBy(ranges, (row) => row.agencyId);
  const membersOf = groupBy(members, (row) => row.agencyId);
  return {
    agencies: agencies.map((agency) => ({
      ...detail(agency),
      topics: (topicsOf.get(agency.id) ?? []).map((topic) => ({ id: topic.id, name: topic.name })),
      postcodeRanges: (rangesOf.get(agency.id) ?? []).map((range) => ({ from: range.postcodeFrom, to: range.postcodeTo })),
      members: (membersOf.get(agency.id) ?? []).map((member) => ({
        userId: member.userId,
        displayName: member.displayName,
        isAgencyAdmin: member.isAgencyAdmin,
      })),
    })),
  };
}

/** Counsellors and admins with their memberships, for the admin console (no secrets, no keys). */
export async function listStaff(ctx: ServiceContext): Promise<{ staff: StaffMemberView[] }> {
  const [accounts, members] = await Promise.all([repo.listStaffAccounts(ctx.db), repo.listAllMembers(ctx.db)]);
  const membershipsOf = groupBy(members, (row) => row.userId);
  return {
    staff: accounts.map((account) => ({
      id: account.id,
      role: account.role === 'admin' ? 'admin' : 'counsellor',
      displayName: account.displayName,
      username: account.username,
      email: account.email,
      activated: Boolean(account.activated),
      memberships: (membershipsOf.get(account.id) ?? []).map((member) => ({
        agencyId: member.agencyId,
        agencyName: member.agencyName,
        isAgencyAdmin: member.isAgencyAdmin,
      })),
    })),
  };
}
