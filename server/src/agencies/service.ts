import { randomUUID } from 'node:crypto';
import { createStaffAccount } from '../accounts/service.ts';
import { findUserById, findUsersKeys } from '../accounts/repository.ts';
import { randomCode, toB64 } from '../common/bytes.ts';
import { publishAll, type Actor, type ServiceContext } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { Errors } from '../errors.ts';
import { listNoticesOfAgencies } from '../absences/repository.ts';
import type { Db } from '../db/schema.ts';
import { listAccessLogOfAgency } from '../threads/access-log.ts';
import { markThreadsForRekey } from '../threads/repository.ts';
import * as repo from './repository.ts';
import { detail } from './views.ts';
import type {
  AbsenceNoticeView,
  AccessLogEntryView,
  AgencyDetailView,
  AgencySummaryView,
  CreateAgencyInput,
  CreateStaffInput,
  CreateTopicInput,
  PostcodeRangeInput,
} from './schemas.ts';

export type ResolvedLink =
  | { kind: 'counsellor'; agencyId: string; agencyName: string; counsellorId: string; counsellorName: string | null }
  | { kind: 'agency'; agencyId: string; agencyName: string };

type AgencyFacts = { id: string; name: string; isTeam: boolean; virtualForTopicId: string | null };

// The admin console's listings (also used by the CLI).
export { listAgencies, listStaff } from './admin-lists.ts';


/** Summaries with their counsellors' absence notices, loaded for all agencies in one query. */
async function summaries(db: Db, rows: AgencyFacts[]): Promise<AgencySummaryView[]> {
  const notices = new Map<string, AbsenceNoticeView[]>();
  for (const notice of await listNoticesOfAgencies(db, rows.map((row) => row.id))) {
    const list = notices.get(notice.agencyId) ?? [];
    list.push({ counsellorName: notice.counsellorName, message: notice.message, until: notice.until?.toISOString() ?? null });
    notices.set(notice.agencyId, list);
  }
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    isTeam: row.isTeam,
    isVirtual: row.virtualForTopicId !== null,
    absenceNotices: notices.get(row.id) ?? [],
  }));
}

function rangeRows(agencyId: string, ranges: PostcodeRangeInput[]) {
  return ranges.map((range) => {
    if (range.from > range.to) throw Errors.POSTCODE_RANGE_INVALID();
    return { id: randomUUID(), agencyId, postcodeFrom: range.from, postcodeTo: range.to };
  });
}

export async function listTopics(ctx: ServiceContext) {
  return { topics: await repo.listTopicsWithVirtualAgency(ctx.db) };
}

/** Agencies serving a postcode for a topic; none local means the topic's virtual agency. */
export async function findAgencies(ctx: ServiceContext, topicId: string, postcode: string) {
  if (!(await repo.findTopic(ctx.db, topicId))) throw Errors.TOPIC_NOT_FOUND();
  const local = await repo.findLocalAgencies(ctx.db, topicId, postcode);
  if (local.length > 0) return { agencies: await summaries(ctx.db, local) };
  const virtual = await repo.findVirtualAgency(ctx.db, topicId);
  return { agencies: await summaries(ctx.db, virtual ? [virtual] : []) };
}

/** What a personal or agency link stands for. */
export async function resolveLink(ctx: ServiceContext, code: string): Promise<ResolvedLink> {
  const personal = await repo.findPersonalLink(ctx.db, code);
  if (personal) {
    const agency = await repo.findAgency(ctx.db, personal.agencyId);
    if (!agency) throw Errors.LINK_CODE_INVALID();
    return {
      kind: 'counsellor',
      agencyId: personal.agencyId,
      agencyName: agency.name,
      counsellorId: personal.userId,
      counsellorName: personal.displayName,
    };
  }
  const agency = await repo.findAgencyByLinkCode(ctx.db, code);
  if (!agency) throw Errors.LINK_CODE_INVALID();
  return { kind: 'agency', agencyId: agency.id, agencyName: agency.name };
}

/** Public keys of the agency's counsellors, which a seeker seals a new enquiry to. */
export async function agencyCounsellorKeys(ctx: ServiceContext, agencyId: string) {
  if (!(await repo.findAgency(ctx.db, agencyId))) throw Errors.AGENCY_NOT_FOUND();
  const ids = await repo.listAgencyCounsellorIds(ctx.db, agencyId);
  const keys = await findUsersKeys(ctx.db, ids);
  return {
    agencyId,
    counsellors: keys.map((row) => ({
      userId: row.id,
      role: row.role,
      displayName: row.displayName,
      signPublicKey: toB64(row.signPublicKey as Uint8Array),
      boxPublicKey: toB64(row.boxPublicKey as Uint8Array),
    })),
  };
}

// -- administration --

/** A topic always comes with its virtual agency, so no postcode is ever without help. */
export async function createTopic(ctx: ServiceContext, input: CreateTopicInput) {
  const topicId = randomUUID();
  const agencyId = randomUUID();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertTopic(trx, topicId, input.name).catch((error: unknown) => {
      throw isUniqueViolation(error) ? Errors.TOPIC_NAME_TAKEN() : error;
    });
    await repo.insertAgency(trx, {
      id: agencyId,
      name: input.virtualAgencyName ?? `${input.name} (online)`,
      isTeam: input.virtualAgencyIsTeam ?? true,
      virtualForTopicId: topicId,
      linkCode: randomCode(),
    });
    await repo.insertAgencyTopics(trx, agencyId, [topicId]);
  });
  return { id: topicId, name: input.name, virtualAgencyId: agencyId };
}

export async function createAgency(ctx: ServiceContext, input: CreateAgencyInput): Promise<AgencyDetailView> {
  const id = randomUUID();
  for (const topicId of input.topicIds) {
    if (!(await repo.findTopic(ctx.db, topicId))) throw Errors.TOPIC_NOT_FOUND();
  }
  const ranges = rangeRows(id, input.postcodeRanges);
  const linkCode = randomCode();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertAgency(trx, { id, name: input.name, isTeam: input.isTeam, virtualForTopicId: null, linkCode });
    await repo.insertAgencyTopics(trx, id, input.topicIds);
    await repo.insertPostcodeRanges(trx, ranges);
  });
  return detail({ id, name: input.name, isTeam: input.isTeam, virtualForTopicId: null, linkCode });
}

export async function addPostcodeRanges(ctx: ServiceContext, agencyId: string, ranges: PostcodeRangeInput[]) {
  if (!(await repo.findAgency(ctx.db, agencyId))) throw Errors.AGENCY_NOT_FOUND();
  await repo.insertPostcodeRanges(ctx.db, rangeRows(agencyId, ranges));
}

export async function addTopics(ctx: ServiceContext, agencyId: string, topicIds: string[]) {
  if (!(await repo.findAgency(ctx.db, agencyId))) throw Errors.AGENCY_NOT_FOUND();
  for (const topicId of topicIds) {
    if (!(await repo.findTopic(ctx.db, topicId))) throw Errors.TOPIC_NOT_FOUND();
  }
  await repo.insertAgencyTopics(ctx.db, agencyId, topicIds);
}

/** Creates a counsellor or admin awaiting activation, with their agency memberships. */
export async function createStaff(ctx: ServiceContext, input: CreateStaffInput) {
  for (const agencyId of input.agencyIds) {
    if (!(await repo.findAgency(ctx.db, agencyId))) throw Errors.AGENCY_NOT_FOUND();
  }
  if (input.role !== 'counsellor' && input.agencyIds.length > 0) throw Errors.NOT_A_COUNSELLOR();
  return ctx.db.transaction().execute(async (trx) => {
    const created = await createStaffAccount(trx, {
      role: input.role,
      displayName: input.displayName,
      email: input.email ?? null,
    });
    for (const agencyId of input.agencyIds) {
      await repo.insertMembership(trx, {
        agencyId,
        userId: created.userId,
        isAgencyAdmin: input.isAgencyAdmin ?? false,
        personalCode: randomCode(),
      });
    }
    return created;
  });
}

/**
 * A new member changes who may read the agency's enquiries (and, in a team, its cases):
 * those threads need a new epoch that includes them.
 */
export async function addMember(ctx: ServiceContext, agencyId: string, userId: string, isAgencyAdmin: boolean) {
  const agency = await repo.findAgency(ctx.db, agencyId);
  if (!agency) throw Errors.AGENCY_NOT_FOUND();
  const user = await findUserById(ctx.db, userId);
  if (!user) throw Errors.USER_NOT_FOUND();
  if (user.role !== 'counsellor') throw Errors.NOT_A_COUNSELLOR();
  if (await repo.findMembership(ctx.db, agencyId, userId)) throw Errors.MEMBERSHIP_EXISTS();
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertMembership(trx, { agencyId, userId, isAgencyAdmin, personalCode: randomCode() });
    await markThreadsForRekey(trx, { agencyId, isTeam: agency.isTeam, userId, change: 'added' });
  });
  await publishAll(ctx, [{ type: 'membership.changed', payload: { agencyId, userId, change: 'added' } }]);
}

/**
 * Removal takes HTTP access away at once and forces a new epoch on every thread the
 * counsellor could read, so nothing written afterwards is readable with keys they kept.
 */
export async function removeMember(ctx: ServiceContext, agencyId: string, userId: string) {
  const agency = await repo.findAgency(ctx.db, agencyId);
  if (!agency) throw Errors.AGENCY_NOT_FOUND();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteMembership(trx, agencyId, userId))) throw Errors.MEMBERSHIP_NOT_FOUND();
    await markThreadsForRekey(trx, { agencyId, isTeam: agency.isTeam, userId, change: 'removed' });
  });
  await publishAll(ctx, [{ type: 'membership.changed', payload: { agencyId, userId, change: 'removed' } }]);
}

/** The team-view access log of an agency: global admins and the agency's own admins. */
export async function agencyAccessLog(
  ctx: ServiceContext,
  actor: Actor,
  agencyId: string,
  limit: number,
): Promise<{ entries: AccessLogEntryView[] }> {
  if (!(await repo.findAgency(ctx.db, agencyId))) throw Errors.AGENCY_NOT_FOUND();
  if (actor.role !== 'admin') {
    const membership = await repo.findMembership(ctx.db, agencyId, actor.id);
    if (!membership?.isAgencyAdmin) throw Errors.AGENCY_NOT_FOUND();
  }
  return { entries: await listAccessLogOfAgency(ctx.db, agencyId, limit) };
}
