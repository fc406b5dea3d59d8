import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient } from '../../../client-sdk/src/index.ts';
import { videoAvailability } from '../../../sfu/src/index.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const available = videoAvailability().available;
const required = process.env.REQUIRE_VIDEO === '1';

type Socket = Awaited<ReturnType<typeof rawSocket>>;
type Response = { ok: boolean; data?: Record<string, unknown>; code?: string };

let requestCounter = 0;
async function call(socket: Socket, frame: Record<string, unknown>): Promise<Response> {
  requestCounter += 1;
  const requestId = `t${requestCounter}`;
  socket.socket.send(JSON.stringify({ ...frame, requestId }));
  await waitFor(() => socket.frames.some((f) => f.type === 'call.response' && f.requestId === requestId), `${String(frame.type)} response`);
  return socket.frames.find((f) => f.type === 'call.response' && f.requestId === requestId) as unknown as Response;
}

const NO_CAPS = { codecs: [], headerExtensions: [] };

describe('video prerequisites in CI', () => {
  it.runIf(required)('should have a built SFU worker (a missing worker fails CI, it is not skipped)', () => {
    expect(available, videoAvailability().reason ?? '').toBe(true);
  });
});

describe.skipIf(!available)('call signalling against a real mediasoup worker', () => {
  let server: TestServer;
  let world: World;
  let seeker: CounselClient;
  let threadId: string;
  let otherSeeker: CounselClient;
  const sockets: Socket[] = [];
  const open = async (client: CounselClient) => {
    const socket = await rawSocket(server.url, client.token as string);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startServer('pglite', { video: true });
    world = await buildWorld(server);
    const [b1] = world.solo.counsellors;
    seeker = await newSeeker(server);
    threadId = (await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'video please' })).id;
    await b1.claim(threadId);
    otherSeeker = await newSeeker(server);
    await otherSeeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'another thread' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.socket.close();
    await server?.close();
  });

  it('should refuse a non-participant, a counsellor of another agency and a seeker of another thread', async () => {
    const [b1, b2] = world.solo.counsellors;
    const [a1] = world.team.counsellors;
    const caller = await open(b1);
    const seekerSocket = await open(seeker);
    const outsiders = { colleagueNonTeam: await open(b2), otherAgency: await open(a1), otherSeeker: await open(otherSeeker) };

    for (const socket of Object.values(outsiders)) {
      expect(await call(socket, { type: 'call.start', threadId })).toMatchObject({ ok: false, code: 'THREAD_NOT_FOUND' });
    }
    // The seeker does not start calls; the counsellor calls the seeker.
    expect(await call(seekerSocket, { type: 'call.start', threadId })).toMatchObject({ ok: false, code: 'CALL_FORBIDDEN' });

    const started = await call(caller, { type: 'call.start', threadId });
    expect(started.ok).toBe(true);
    const callId = started.data?.callId as string;
    await waitFor(() => seekerSocket.frames.some((f) => f.type === 'call.ring' && f.callId === callId), 'ring at the seeker');
    expect(server.sfu?.roomIds()).toContain(callId);

    for (const socket of Object.values(outsiders)) {
      expect(await call(socket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS })).toMatchObject({ ok: false, code: 'CALL_NOT_FOUND' });
      expect(await call(socket, { type: 'call.transport', callId, direction: 'recv' })).toMatchObject({ ok: false, code: 'CALL_NOT_FOUND' });
      expect(socket.frames.some((f) => f.callId === callId && f.type !== 'call.response')).toBe(false);
    }
    // Media requests need a joined peer; media keys come from the caller and go to participants only.
    expect(await call(seekerSocket, { type: 'call.transport', callId, direction: 'recv' })).toMatchObject({ ok: false, code: 'CALL_NOT_JOINED' });
    const envelope = { recipientId: a1.userId, sealedKey: 'A'.repeat(107), signature: 'A'.repeat(86) };
    expect(await call(caller, { type: 'call.key', callId, generation: 0, envelopes: [envelope] })).toMatchObject({ ok: false, code: 'CALL_INVITEE_NOT_ALLOWED' });
    expect(await call(seekerSocket, { type: 'call.key', callId, generation: 0, envelopes: [{ ...envelope, recipientId: b1.userId }] })).toMatchObject({ ok: false, code: 'CALL_FORBIDDEN' });
    expect(await call(caller, { type: 'call.key', callId, generation: 0, envelopes: [{ ...envelope, recipientId: seeker.userId }] })).toMatchObject({ ok: true });
    await waitFor(() => seekerSocket.frames.some((f) => f.type === 'call.key' && f.callId === callId), 'key relayed to the seeker');
    expect(Object.values(outsiders).some((s) => s.frames.some((f) => f.type === 'call.key'))).toBe(false);

    // Participants join and get transports announced on the SFU.
    expect(await call(seekerSocket, { type: 'call.accept', callId })).toMatchObject({ ok: true });
    const joined = await call(seekerSocket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    expect(joined.ok).toBe(true);
    expect(joined.data?.routerRtpCapabilities).toBeDefined();
    const transport = await call(seekerSocket, { type: 'call.transport', callId, direction: 'recv' });
    expect(transport.ok).toBe(true);
    expect((transport.data?.iceCandidates as Array<{ ip: string }>)[0]?.ip).toBe('127.0.0.1');

    // Ending the call cleans the room up.
    expect(await call(caller, { type: 'call.end', callId })).toMatchObject({ ok: true });
    await waitFor(() => seekerSocket.frames.some((f) => f.type === 'call.ended' && f.callId === callId), 'ended at the seeker');
    await waitFor(() => !server.sfu?.roomIds().includes(callId), 'room closed');
    expect(await call(seekerSocket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS })).toMatchObject({ ok: false, code: 'CALL_NOT_FOUND' });
  });

  it('should close the room when the participants disconnect', async () => {
    const [b1] = world.solo.counsellors;
    const caller = await open(b1);
    const seekerSocket = await open(seeker);
    const callId = (await call(caller, { type: 'call.start', threadId })).data?.callId as string;
    await call(caller, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    await call(seekerSocket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    expect(server.sfu?.getRoom(callId)?.peers.size).toBe(2);
    seekerSocket.socket.close();
    await waitFor(() => caller.frames.some((f) => f.type === 'call.ended' && f.callId === callId), 'call ended after the seeker left');
    await waitFor(() => server.sfu?.getRoom(callId) === undefined, 'room cleaned up');
  });

  it('should tell clients to rejoin when a worker dies, and a new call still works', async () => {
    const [b1] = world.solo.counsellors;
    const caller = await open(b1);
    const seekerSocket = await open(seeker);
    const callId = (await call(caller, { type: 'call.start', threadId })).data?.callId as string;
    await call(caller, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    await call(seekerSocket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    const [pid] = server.sfu?.workerPids() ?? [];
    process.kill(pid as number, 'SIGKILL');
    await waitFor(() => caller.frames.some((f) => f.type === 'call.rejoin' && f.callId === callId), 'rejoin at the caller');
    await waitFor(() => seekerSocket.frames.some((f) => f.type === 'call.rejoin' && f.callId === callId), 'rejoin at the seeker');
    await waitFor(() => (server.sfu?.workerPids() ?? []).length === 1 && server.sfu?.workerPids()[0] !== pid, 'worker replaced', 15_000);

    // Rejoining the same call makes a new room on the new worker.
    const rejoined = await call(seekerSocket, { type: 'call.join', callId, rtpCapabilities: NO_CAPS });
    expect(rejoined.ok).toBe(true);
    expect((await call(seekerSocket, { type: 'call.transport', callId, direction: 'send' })).ok).toBe(true);
    await call(caller, { type: 'call.end', callId });

    // And a brand-new call works as well.
    const fresh = await call(caller, { type: 'call.start', threadId });
    expect(fresh.ok).toBe(true);
    const freshId = fresh.data?.callId as string;
    expect((await call(caller, { type: 'call.join', callId: freshId, rtpCapabilities: NO_CAPS })).ok).toBe(true);
    expect((await call(caller, { type: 'call.transport', callId: freshId, direction: 'send' })).ok).toBe(true);
    await call(caller, { type: 'call.end', callId: freshId });
  });
});
