import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, DecryptedMessage, RealtimeEvent, WebSocketConstructor } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { NodeWebSocket, waitFor } from '../helpers/realtime.ts';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** `ws`, counting the sockets the SDK opens. */
function countingWebSocket(): { WebSocket: WebSocketConstructor; opened: () => number } {
  let opened = 0;
  const WebSocket = function (url: string) {
    opened += 1;
    return new NodeWebSocket(url);
  } as unknown as WebSocketConstructor;
  return { WebSocket, opened: () => opened };
}

/** Per thread, the texts in the order the session delivered them. */
function byThread(messages: DecryptedMessage[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const message of messages) result.set(message.threadId, [...(result.get(message.threadId) ?? []), message.text ?? '(undecryptable)']);
  return result;
}

/**
 * The SDK under the server's limits: a LiveSession that is rate limited, or closed for it,
 * still ends with every message exactly once and in order.
 */
describe.each(databaseTargets())('LiveSession under WebSocket limits on %s', (target) => {
  let server: TestServer;
  let topicId: string;
  let agencyId: string;

  beforeAll(async () => {
    // A burst smaller than the SDK's catch-ups in flight, so that tracking many threads is limited.
    server = await startServer(target, { env: { WS_FRAME_BURST: '3', WS_FRAME_RATE: '4' } });
    const admin = await newAdmin(server);
    topicId = (await admin.adminCreateTopic(`Limited ${Math.random().toString(36).slice(2, 6)}`)).id;
    agencyId = (await admin.adminCreateAgency({ name: 'Limited agency', isTeam: false, topicIds: [topicId], postcodeRanges: [] })).id;
    await newCounsellor(server, admin, [agencyId]);
  });
  afterAll(async () => server?.close());

  async function threadsWithMessages(seeker: CounselClient, threads: number, perThread: number): Promise<Map<string, string[]>> {
    const expected = new Map<string, string[]>();
    for (let t = 0; t < threads; t++) {
      const thread = await seeker.createEnquiry({ topicId, agencyId, text: `thread ${t} message 0` });
      const texts = [`thread ${t} message 0`];
      for (let m = 1; m < perThread; m++) {
        await seeker.sendMessage(thread.id, `thread ${t} message ${m}`);
        texts.push(`thread ${t} message ${m}`);
      }
      expected.set(thread.id, texts);
    }
    return expected;
  }

  it('should catch up many threads gap-free when its catch-up requests are rate limited', async () => {
    const seeker = await newSeeker(server);
    const expected = await threadsWithMessages(seeker, 8, 3);
    const sockets = countingWebSocket();
    const session = seeker.connectRealtime({ WebSocket: sockets.WebSocket, reconnectDelayMs: 50 });
    const received: DecryptedMessage[] = [];
    const events: RealtimeEvent[] = [];
    session.onMessage((message) => received.push(message));
    session.onEvent((event) => events.push(event));
    await session.ready();
    for (const threadId of expected.keys()) session.track(threadId, 0);

    await waitFor(() => received.length === 24, 'every message of the eight threads', 30_000);
    expect(byThread(received)).toEqual(expected);
    expect(events.some((event) => event.type === 'error' && event.code === 'WS_RATE_LIMITED')).toBe(true);
    // The SDK slowed down as told instead of being closed for flooding.
    expect(sockets.opened()).toBe(1);
    session.close();
  });

  it('should reconnect after a close for flooding (4429) and deliver what was sent meanwhile, once and in order', async () => {
    const seeker = await newSeeker(server);
    const expected = await threadsWithMessages(seeker, 1, 2);
    const [threadId, texts] = [...expected][0] as [string, string[]];
    const sockets = countingWebSocket();
    const session = seeker.connectRealtime({ WebSocket: sockets.WebSocket, reconnectDelayMs: 50 });
    const received: DecryptedMessage[] = [];
    session.onMessage((message) => received.push(message));
    await session.ready();
    session.track(threadId, 0);
    await waitFor(() => received.length === 2, 'the history');

    // A misbehaving caller floods the connection; the server warns, then closes it with 4429.
    for (let i = 0; i < 20; i++) session.connection.send({ type: 'ping' });
    for (let i = 2; i < 6; i++) {
      await seeker.sendMessage(threadId, `after the flood ${i}`);
      texts.push(`after the flood ${i}`);
    }
    await waitFor(() => sockets.opened() === 2, 'the reconnect', 20_000);
    await waitFor(() => received.length === texts.length, 'the catch-up after the reconnect', 20_000);
    await seeker.sendMessage(threadId, 'live again');
    texts.push('live again');
    await waitFor(() => received.length === texts.length, 'live delivery after the reconnect');
    expect(received.map((message) => message.text)).toEqual(texts);
    session.close();
  });
});
