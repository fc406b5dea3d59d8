import { randomBytes, randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { TestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/realtime.ts';

/**
 * Appends `count` stored messages (random ciphertext of `bytes` bytes) to a thread straight in
 * the database: the load tests need a long thread, not decryptable content, and sending a
 * thousand messages through the API would only slow the suite down.
 */
export async function appendStoredMessages(server: TestServer, threadId: string, senderId: string, count: number, bytes: number): Promise<number> {
  const db = server.db.database.db;
  const thread = await db.selectFrom('threads').select(['lastSeq', 'currentEpoch']).where('id', '=', threadId).executeTakeFirstOrThrow();
  const first = Number(thread.lastSeq) + 1;
  const rows = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    threadId,
    seq: first + i,
    senderId,
    epoch: thread.currentEpoch,
    clientMessageId: randomUUID(),
    ciphertext: randomBytes(bytes),
    nonce: randomBytes(24),
    signature: randomBytes(64),
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('messages').values(rows.slice(i, i + 200)).execute();
  const lastSeq = first + count - 1;
  await db.updateTable('threads').set({ lastSeq }).where('id', '=', threadId).execute();
  return lastSeq;
}

export interface RawClient {
  socket: WebSocket;
  frames: Array<Record<string, unknown>>;
  /** Close code once the socket is closed, else null. */
  closeCode: () => number | null;
}

/** A `ws` client authenticated by header that records frames and its close code. */
export async function authenticatedSocket(server: { url: string }, token: string): Promise<RawClient> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: `Bearer ${token}` } });
  const frames: Array<Record<string, unknown>> = [];
  let code: number | null = null;
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
  socket.on('close', (closeCode) => {
    code = closeCode;
  });
  socket.on('error', () => {});
  await waitFor(() => frames.some((frame) => frame.type === 'ready') || code !== null, 'ready frame or close');
  return { socket, frames, closeCode: () => code };
}
