import type { Actor, ServiceContext } from '../context.ts';
import * as repo from './repository.ts';

/** Sets the counsellor's absence notice, shown to their seekers; it also pauses new-enquiry e-mails. */
export async function setAbsence(ctx: ServiceContext, actor: Actor, message: string, until: string | undefined) {
  const untilDate = until ? new Date(until) : null;
  await repo.upsertAbsence(ctx.db, actor.id, message, untilDate);
  return { message, until: untilDate?.toISOString() ?? null };
}

export async function clearAbsence(ctx: ServiceContext, actor: Actor): Promise<void> {
  await repo.deleteAbsence(ctx.db, actor.id);
}

export async function getAbsence(ctx: ServiceContext, actor: Actor) {
  const absence = await repo.findAbsence(ctx.db, actor.id);
  return absence ? { message: absence.message, until: absence.until?.toISOString() ?? null } : null;
}
