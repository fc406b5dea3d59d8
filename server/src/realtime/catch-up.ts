import { setImmediate as nextTurn } from 'node:timers/promises';
import { requireThreadAccess } from '../access/thread-access.ts';
import type { Actor, ServiceContext } from '../context.ts';
import { listMessages } from '../messages/repository.ts';
import { messageView } from '../messages/service.ts';
import { recordTeamAccess } from '../threads/access-log.ts';
import type { ServerFrame } from './frames.ts';

/** Where a catch-up goes: one connection, with its back-pressure. */
export interface CatchUpSink {
  /** Resolves when the client has read enough for another page; false when the connection is gone. */
  writable(): Promise<boolean>;
  send(frame: ServerFrame): void;
}

/**
 * `sync`: every message of the thread after `afterSeq`, in order, then `synced`. Authorised like a
 * read (a team-view catch-up is logged). Read one page at a time, and sent only while the client
 * keeps reading (see SendPressure), so a long thread never sits whole in memory.
 */
export async function streamCatchUp(
  ctx: ServiceContext,
  actor: Actor,
  request: { threadId: string; afterSeq: number; pageSize: number },
  sink: CatchUpSink,
): Promise<void> {
  const { threadId, pageSize } = request;
  const { thread, relation } = await requireThreadAccess(ctx.db, actor, threadId, 'read');
  if (relation === 'team') {
    await ctx.db.transaction().execute((trx) => recordTeamAccess(trx, { threadId, agencyId: thread.agencyId, counsellorId: actor.id, action: 'read' }));
  }
  let cursor = request.afterSeq;
  for (;;) {
    // The embedded PGlite answers without I/O, so without this turn a long catch-up would run
    // from page to page in microtasks and hold every other request until it ends.
    await nextTurn();
    if (!(await sink.writable())) return;
    const rows = await listMessages(ctx.db, threadId, { afterSeq: cursor, beforeSeq: null, limit: pageSize });
    for (const row of rows) {
      // Row by row, so that a page of large messages never pushes the buffer far past its bound.
      if (!(await sink.writable())) return;
      sink.send({ type: 'message', threadId, message: messageView(row) });
    }
    cursor = rows.at(-1)?.seq ?? cursor;
    if (rows.length < pageSize) break;
  }
  sink.send({ type: 'synced', threadId, lastSeq: cursor });
}
