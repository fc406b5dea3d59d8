import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient } from '../../../client-sdk/src/index.ts';
import { WS_CLOSE_LIMITED, WS_CLOSE_SLOW_CONSUMER } from '../../../client-sdk/src/contract/close-codes.ts';
import { databaseTargets } from '../helpers/database.ts';
import { waitFor } from '../helpers/realtime.ts';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { appendStoredMessages, authenticatedSocket, type RawClient } from './fixtures.ts';

/** Small limits, so that each one is reached with a handful of frames. */
const LIMITS = {
  WS_FRAME_BURST: '10',
  WS_FRAME_RATE: '5',
  WS_USER_FRAME_BURST: '15',
  WS_USER_FRAME_RATE: '5',
  WS_MAX_CONNECTIONS_PER_USER: '2',
  WS_MAX_WATCHED_AGENCIES: '2',
  WS_SEND_BUFFER_BYTES: String(64 * 1024),
  WS_SEND_STALL_MS: '2000',
  WS_SYNC_PAGE_SIZE: '50',
};

const ofType = (client: RawClient, type: string) => client.frames.filter((frame) => frame.type === type);
const errorCodes = (client: RawClient) => ofType(client, 'error').map((frame) => frame.code);
const closed = (client: RawClient) => waitFor(() => client.closeCode() !== null, 'the server closes the connection', 20_000);
const send = (client: RawClient, frame: object, times = 1) => {
  for (let i = 0; i < times; i++) client.socket.send(JSON.stringify(frame));
};

describe.each(databaseTargets())('WebSocket limits on %s', (target) => {
  let server: TestServer;
  let agencyIds: string[];
  let topicId: string;

  beforeAll(async () => {
    server = await startServer(target, { env: LIMITS });
    const admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic(`Limits ${Math.random().toString(36).slice(2, 6)}`);
    topicId = topic.id;
    agencyIds = [];
    for (const name of ['One', 'Two', 'Three']) {
      const agency = await admin.adminCreateAgency({ name, isTeam: false, topicIds: [topic.id], postcodeRanges: [] });
      await newCounsellor(server, admin, [agency.id]);
      agencyIds.push(agency.id);
    }
  });
  afterAll(async () => server?.close());

  /** A seeker with a thread of `count` stored messages of `bytes` bytes each. */
  async function seekerWithThread(count: number, bytes: number): Promise<{ seeker: CounselClient; threadId: string; lastSeq: number }> {
    const seeker = await newSeeker(server);
    const threadId = (await seeker.createEnquiry({ topicId, agencyId: agencyIds[0] as string, text: 'first' })).id;
    const lastSeq = await appendStoredMessages(server, threadId, seeker.userId, count - 1, bytes);
    return { seeker, threadId, lastSeq };
  }

  it('should warn a flooding client with WS_RATE_LIMITED, drop its frames, then close it with 4429', async () => {
    const client = await authenticatedSocket(server, (await newSeeker(server)).token as string);
    send(client, { type: 'ping' }, 60);
    await closed(client);
    expect(client.closeCode()).toBe(WS_CLOSE_LIMITED);
    // The burst is answered; the rest is dropped with one warning (and the reason once more on close).
    expect(ofType(client, 'pong').length).toBeGreaterThanOrEqual(10);
    expect(ofType(client, 'pong').length).toBeLessThan(15);
    expect(errorCodes(client)).toEqual(['WS_RATE_LIMITED', 'WS_RATE_LIMITED']);
    expect(ofType(client, 'error')[0]?.retryAfterMs).toBeGreaterThan(0);
  });

  it('should keep a client that waits as it was told', async () => {
    const client = await authenticatedSocket(server, (await newSeeker(server)).token as string);
    send(client, { type: 'ping' }, 11);
    await waitFor(() => errorCodes(client).includes('WS_RATE_LIMITED'), 'the warning');
    await new Promise((resolve) => setTimeout(resolve, Number(ofType(client, 'error')[0]?.retryAfterMs) + 50));
    send(client, { type: 'ping' });
    await waitFor(() => ofType(client, 'pong').length === 11, 'the pong after waiting');
    expect(client.closeCode()).toBeNull();
    client.socket.close();
  });

  it('should share one frame budget among the connections of a user, and not with other users', async () => {
    const seeker = await newSeeker(server);
    const first = await authenticatedSocket(server, seeker.token as string);
    const second = await authenticatedSocket(server, seeker.token as string);
    const other = await authenticatedSocket(server, (await newSeeker(server)).token as string);
    send(first, { type: 'ping' }, 8);
    await waitFor(() => ofType(first, 'pong').length === 8, 'pongs on the first connection');
    send(second, { type: 'ping' }, 8);
    send(other, { type: 'ping' }, 8);
    await waitFor(() => errorCodes(second).includes('WS_RATE_LIMITED'), 'the user budget runs out on the second connection');
    await waitFor(() => ofType(other, 'pong').length === 8, 'another user is not limited');
    expect(ofType(second, 'pong').length).toBeLessThan(8);
    expect(errorCodes(other)).toEqual([]);
    for (const client of [first, second, other]) client.socket.close();
  });

  it('should refuse a connection above the per-user cap with WS_TOO_MANY_CONNECTIONS and 4429', async () => {
    const seeker = await newSeeker(server);
    const open = [await authenticatedSocket(server, seeker.token as string), await authenticatedSocket(server, seeker.token as string)];
    const third = await authenticatedSocket(server, seeker.token as string);
    await closed(third);
    expect(third.closeCode()).toBe(WS_CLOSE_LIMITED);
    expect(errorCodes(third)).toEqual(['WS_TOO_MANY_CONNECTIONS']);
    expect(ofType(third, 'ready')).toEqual([]);
    // Once one closes, there is room again.
    open[0]?.socket.close();
    await closed(open[0] as RawClient);
    await waitFor(() => true, 'close handled');
    const again = await authenticatedSocket(server, seeker.token as string);
    expect(ofType(again, 'ready')).toHaveLength(1);
    again.socket.close();
    open[1]?.socket.close();
  });

  it('should refuse a presence.watch above the per-connection cap with WS_WATCH_LIMIT and keep the connection', async () => {
    const client = await authenticatedSocket(server, (await newSeeker(server)).token as string);
    const [one, two, three] = agencyIds;
    for (const agencyId of [one, two, three, one]) send(client, { type: 'presence.watch', agencyId });
    await waitFor(() => ofType(client, 'presence').length === 3 && ofType(client, 'error').length === 1, 'answers to four watches');
    expect(errorCodes(client)).toEqual(['WS_WATCH_LIMIT']);
    // Watches are answered as their counts come in, not necessarily in order.
    expect(ofType(client, 'presence').map((frame) => String(frame.agencyId)).sort()).toEqual([one, two, one].map(String).sort());
    send(client, { type: 'ping' });
    await waitFor(() => ofType(client, 'pong').length === 1, 'the connection still answers');
    client.socket.close();
  });

  it('should run one catch-up per thread at a time: repeated syncs merge instead of multiplying', async () => {
    const { seeker, threadId, lastSeq } = await seekerWithThread(300, 200);
    const client = await authenticatedSocket(server, seeker.token as string);
    send(client, { type: 'sync', threadId, afterSeq: 0 }, 8);
    await waitFor(() => ofType(client, 'synced').length >= 1, 'the first catch-up');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const messages = ofType(client, 'message') as Array<{ message: { seq: number } }>;
    // Before, every request was answered in full and at once: 8 × 300 frames.
    expect(ofType(client, 'synced').length).toBeLessThanOrEqual(2);
    expect(messages.length).toBeLessThanOrEqual(2 * lastSeq);
    expect(new Set(messages.map((frame) => frame.message.seq)).size).toBe(lastSeq);
    expect(ofType(client, 'synced').at(-1)).toMatchObject({ threadId, lastSeq });
    client.socket.close();
  });

  it('should name the thread of a refused sync', async () => {
    const client = await authenticatedSocket(server, (await newSeeker(server)).token as string);
    const threadId = '00000000-0000-4000-8000-000000000000';
    send(client, { type: 'sync', threadId, afterSeq: 0 });
    await waitFor(() => ofType(client, 'error').length === 1, 'the refusal');
    expect(ofType(client, 'error')[0]).toMatchObject({ code: 'THREAD_NOT_FOUND', threadId });
    client.socket.close();
  });

  describe('back-pressure', () => {
    let big: Awaited<ReturnType<typeof seekerWithThread>>;
    beforeAll(async () => {
      // ~13 MB: more than the kernel's socket buffers take in (about 4 MB here), so the server's own buffer fills.
      big = await seekerWithThread(600, 16 * 1024);
    });

    it('should stop a catch-up for a client that reads nothing and close it with 4408', async () => {
      const client = await authenticatedSocket(server, big.seeker.token as string);
      client.socket.pause();
      send(client, { type: 'sync', threadId: big.threadId, afterSeq: 0 });
      await waitFor(() => server.logs.some((line) => line.includes('WS_SLOW_CONSUMER')), 'the server gives up on the client', 30_000);
      client.socket.resume();
      await closed(client);
      // The client sees 4408 if the close frame got through, else the cut connection (1006).
      expect([WS_CLOSE_SLOW_CONSUMER, 1006]).toContain(client.closeCode());
      console.info(`[limits] ${target}: a client that read nothing got ${ofType(client, 'message').length} of ${big.lastSeq} messages`);
      expect(ofType(client, 'message').length).toBeLessThan(big.lastSeq);
      expect(ofType(client, 'synced')).toEqual([]);
    });

    it('should wait for a client that reads late and then deliver everything', async () => {
      const client = await authenticatedSocket(server, big.seeker.token as string);
      client.socket.pause();
      send(client, { type: 'sync', threadId: big.threadId, afterSeq: 0 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      client.socket.resume();
      await waitFor(() => ofType(client, 'synced').length === 1, 'the whole catch-up', 60_000);
      expect(ofType(client, 'message')).toHaveLength(big.lastSeq);
      expect(client.closeCode()).toBeNull();
      client.socket.close();
    });
  });
});
