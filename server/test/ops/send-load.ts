import { randomUUID } from 'node:crypto';
import { CounselClient, type RetryPolicy } from '../../../client-sdk/src/index.ts';
import { createStaffAccount } from '../../src/accounts/service.ts';
import type { Db } from '../../src/db/schema.ts';
import { PASSWORD, uniqueName } from '../helpers/server.ts';

/**
 * Concurrent senders against a server in another process, recording every acknowledged send,
 * and the database's view to check them against.
 */

export interface Acked {
  threadId: string;
  clientMessageId: string;
  seq: number;
}

/** `threads` seekers, each with an enquiry to one agency; the clients talk to `baseUrl`. */
export async function seedThreads(db: Db, baseUrl: string, threads: number, retry: Partial<RetryPolicy>) {
  const { activationCode } = await createStaffAccount(db, { role: 'admin', displayName: 'Admin' });
  const admin = await CounselClient.activate({ baseUrl, activationCode, username: uniqueName('admin'), password: PASSWORD, kdfProfile: 'minimum' });
  const topic = await admin.adminCreateTopic(uniqueName('Load '));
  const agency = await admin.adminCreateAgency({ name: 'Load agency', isTeam: false, topicIds: [topic.id], postcodeRanges: [{ from: '10000', to: '10999' }] });
  const staff = await admin.adminCreateStaff({ role: 'counsellor', displayName: 'Dana', agencyIds: [agency.id] });
  await CounselClient.activate({ baseUrl, activationCode: staff.activationCode, username: uniqueName('dana'), password: PASSWORD, kdfProfile: 'minimum' });
  return Promise.all(
    Array.from({ length: threads }, async () => {
      const seeker = await CounselClient.register({ baseUrl, username: uniqueName('seeker'), password: PASSWORD, kdfProfile: 'minimum', retry });
      const thread = await seeker.createEnquiry({ topicId: topic.id, agencyId: agency.id, text: 'first' });
      return { seeker, threadId: thread.id };
    }),
  );
}

export interface Senders {
  acked: Acked[];
  /** Sends that failed for good (the server was away longer than the retries). */
  failed: number;
  /** Stops the loops and waits for the sends in flight to settle. */
  stop(): Promise<void>;
}

/** `perThread` loops per thread, each sending one message after the other until stopped. */
export function startSenders(threads: Array<{ seeker: CounselClient; threadId: string }>, perThread: number): Senders {
  let running = true;
  const result: Senders = { acked: [], failed: 0, stop: async () => {} };
  const loops = threads.flatMap(({ seeker, threadId }) =>
    Array.from({ length: perThread }, async () => {
      while (running) {
        const clientMessageId = randomUUID();
        try {
          const message = await seeker.sendMessage(threadId, `load ${clientMessageId}`, { clientMessageId });
          result.acked.push({ threadId, clientMessageId, seq: message.seq });
        } catch {
          result.failed += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    }),
  );
  result.stop = async () => {
    running = false;
    await Promise.all(loops);
  };
  return result;
}

/** Every message of these threads as stored. */
export async function storedMessages(db: Db, threadIds: string[]) {
  return db.selectFrom('messages').select(['threadId', 'clientMessageId', 'seq']).where('threadId', 'in', threadIds).orderBy('threadId').orderBy('seq').execute();
}

/** Acknowledged sends that the database does not hold (must be none). */
export function missing(acked: Acked[], stored: Array<{ clientMessageId: string }>): Acked[] {
  const ids = new Set(stored.map((row) => row.clientMessageId));
  return acked.filter((message) => !ids.has(message.clientMessageId));
}

/** Threads whose sequence numbers are not exactly 1..n (a gap or a duplicate). */
export function brokenSequences(stored: Array<{ threadId: string; seq: number }>): string[] {
  const byThread = new Map<string, number[]>();
  for (const row of stored) byThread.set(row.threadId, [...(byThread.get(row.threadId) ?? []), row.seq]);
  return [...byThread].filter(([, seqs]) => seqs.some((seq, index) => seq !== index + 1)).map(([threadId]) => threadId);
}
