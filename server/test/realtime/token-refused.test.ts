import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, CounselClient, RealtimeConnection, type RealtimeEvent, type WebSocketConstructor } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { NodeWebSocket, waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** `ws`, counting the sockets the SDK opens (a refused token must not be retried). */
function countingWebSocket(): { WebSocket: WebSocketConstructor; opened: () => number } {
  let opened = 0;
  const WebSocket = function (url: string) {
    opened += 1;
    return new NodeWebSocket(url);
  } as unknown as WebSocketConstructor;
  return { WebSocket, opened: () => opened };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each(databaseTargets())('real-time connections with a refused token on %s', (target) => {
  let server: TestServer;
  let wsUrl: string;

  beforeAll(async () => {
    server = await startServer(target);
    wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/ws`;
  });
  afterAll(async () => server?.close());

  it.each([
    ['an unknown token', 'A'.repeat(43)],
    ['a malformed token', 'bad'],
  ])('should reject ready() with 401 AUTH_REQUIRED for %s and not reconnect', async (_label, token) => {
    const socket = countingWebSocket();
    const connection = new RealtimeConnection({ url: wsUrl, token, WebSocket: socket.WebSocket, reconnectDelayMs: 20 });
    const events: RealtimeEvent[] = [];
    connection.onEvent((event) => events.push(event));
    const error = await refusal(connection.ready());
    expect([error.status, error.code]).toEqual([401, 'AUTH_REQUIRED']);
    await pause(300);
    expect(socket.opened()).toBe(1);
    expect(events.filter((event) => event.type === 'auth.failed')).toEqual([
      { type: 'auth.failed', code: 'AUTH_REQUIRED', message: expect.any(String) },
    ]);
    // Asking again gives the same answer at once.
    expect((await refusal(connection.ready())).code).toBe('AUTH_REQUIRED');
  });

  it('should report a token revoked by logout through an auth.failed event and stop', async () => {
    const seeker = await newSeeker(server);
    const socket = countingWebSocket();
    const session = seeker.connectRealtime({ WebSocket: socket.WebSocket, reconnectDelayMs: 20 });
    await session.ready();
    const events: RealtimeEvent[] = [];
    session.onEvent((event) => events.push(event));
    await seeker.logout();
    await waitFor(() => events.some((event) => event.type === 'auth.failed'), 'auth.failed after logout');
    expect(events.find((event) => event.type === 'auth.failed')).toMatchObject({ code: 'AUTH_REQUIRED' });
    expect((await refusal(session.ready())).status).toBe(401);
    await pause(300);
    expect(socket.opened()).toBe(1);
  });

  it('should close every session of a deleted account, and keep other users connected', async () => {
    const leaving = await CounselClient.startAnonymous({ baseUrl: server.url });
    const staying = await newSeeker(server);
    const leavingSession = leaving.connectRealtime({ WebSocket: NodeWebSocket });
    const stayingSession = staying.connectRealtime({ WebSocket: NodeWebSocket });
    await Promise.all([leavingSession.ready(), stayingSession.ready()]);
    const events: RealtimeEvent[] = [];
    stayingSession.onEvent((event) => events.push(event));
    const failed: RealtimeEvent[] = [];
    leavingSession.onEvent((event) => failed.push(event));
    await leaving.deleteAccount();
    await waitFor(() => failed.some((event) => event.type === 'auth.failed'), 'auth.failed after deletion');
    // Only the deleted account's sockets were closed.
    await pause(100);
    expect(events.filter((event) => event.type === 'auth.failed')).toEqual([]);
    await stayingSession.ready();
    stayingSession.close();
  });
});
