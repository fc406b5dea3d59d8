import type { ThreadSummary } from '@counsel/client-sdk/browser';
import { storage } from '../session/storage.ts';

/** Ids of the threads with messages newer than what this browser last showed of them. */
export async function unreadThreadIds(threads: ThreadSummary[]): Promise<Set<string>> {
  const read = await Promise.all(threads.map((thread) => storage.lastRead(thread.id)));
  return new Set(threads.filter((thread, index) => thread.lastSeq > (read[index] ?? 0)).map((thread) => thread.id));
}

/** Most recently active first. */
export function byLastActivity(a: ThreadSummary, b: ThreadSummary): number {
  return b.updatedAt.localeCompare(a.updatedAt);
}
