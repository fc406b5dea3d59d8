/**
 * SFU service layer against the REAL mediasoup worker binary (no browser).
 * Skipped when the binary is missing, unless REQUIRE_VIDEO=1 (CI on a host
 * that is supposed to have video), where a missing binary fails the run.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { types as ms } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SfuError,
  SfuServer,
  ensureWorkerBinary,
  loadSfuConfig,
  type Room,
  type RoomEvents,
  type SfuConfig,
  type SfuServerEvents,
} from '../src/index.ts';

const workerBin = ensureWorkerBinary();
const ANNOUNCED_IP = '203.0.113.7'; // TEST-NET-3: proves candidates carry the announced, not the bound, address

describe('video prerequisites', () => {
  it.runIf(process.env.REQUIRE_VIDEO === '1')('has a mediasoup worker binary (REQUIRE_VIDEO=1)', () => {
    expect(workerBin, 'build it with `npm run build:sfu` or set MEDIASOUP_WORKER_BIN').not.toBeNull();
  });
});

// ---------------------------------------------------------------- helpers

async function isFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', () => resolve(false));
    sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
  });
}

/** `count` consecutive ports free for TCP and UDP, somewhere in 41000..41999. */
async function findFreePortRange(count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 41000 + Math.floor(Math.random() * (1000 - count));
    let ok = true;
    for (let p = base; p < base + count && ok; p++) ok = await isFree(p);
    if (ok) return base;
  }
  throw new Error('no free port range in 41000..41999');
}

/** Bounds waits on `emitter.next()`, so a missing event fails the test instead of hanging it. */
const within = (ms = 5_000): AbortSignal => AbortSignal.timeout(ms);

/** Collects every room event in order, for asserting on the sequence. */
function recordRoom(room: Room): Array<{ event: keyof RoomEvents; payload: unknown }> {
  const log: Array<{ event: keyof RoomEvents; payload: unknown }> = [];
  const events: Array<keyof RoomEvents> = ['peer-joined', 'peer-left', 'new-producer', 'producer-closed', 'consumer-closed', 'closed'];
  for (const event of events) room.on(event, (payload: unknown) => log.push({ event, payload }));
  return log;
}

function expectSfuError(fn: () => unknown, code: SfuError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SfuError);
    expect((error as SfuError).code).toBe(code);
    return;
  }
  throw new Error(`expected SfuError ${code}`);
}

async function expectSfuRejection(promise: Promise<unknown>, code: SfuError['code']): Promise<void> {
  await expect(promise).rejects.toSatisfy((error: unknown) => error instanceof SfuError && error.code === code);
}

const VP8_RTP_PARAMETERS: ms.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc: 1111 }],
};

/**
 * Test-only stand-in for a browser sender: a PlainTransport (comedia, so it
 * learns our UDP address from the first packet) with a VP8 producer on the
 * room's router, plus a function that pushes real RTP packets into it.
 */
async function createPlainVp8Producer(router: ms.Router) {
  const transport = await router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: true });
  const producer = await transport.produce({ kind: 'video', rtpParameters: VP8_RTP_PARAMETERS });
  const socket = dgram.createSocket('udp4');
  let seq = 1;
  const sendRtp = async (packets: number): Promise<void> => {
    for (let i = 0; i < packets; i++, seq++) {
      const header = Buffer.alloc(12);
      header[0] = 0x80; // V=2
      header[1] = 0x80 | 101; // marker + PT 101
      header.writeUInt16BE(seq, 2);
      header.writeUInt32BE(seq * 3000, 4);
      header.writeUInt32BE(1111, 8);
      // VP8 payload descriptor (S=1, PID 0) and a key-frame-looking payload header.
      const payload = Buffer.from([0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00, 0x00, 0x00]);
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.concat([header, payload]), transport.tuple.localPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
      );
    }
  };
  const close = (): void => {
    transport.close();
    socket.close();
  };
  return { transport, producer, sendRtp, close };
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---------------------------------------------------------------- tests

describe.skipIf(workerBin === null)('SfuServer with the real mediasoup worker', () => {
  let server: SfuServer;
  let config: SfuConfig;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    const port = await findFreePortRange(2);
    config = {
      ...loadSfuConfig({}),
      numWorkers: 2,
      listenIp: '127.0.0.1',
      announcedIp: ANNOUNCED_IP,
      port,
      joinTimeoutMs: 10_000,
    };
    server = await SfuServer.create(config);
  });

  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
    server?.close();
    server?.close(); // idempotent
  });

  it('creates one room for concurrent callers, hands out announced ICE candidates, and closes the room when it empties', async () => {
    expect(server.workerPids()).toHaveLength(2);
    const [a, b] = await Promise.all([
      server.getOrCreateRoom('thread-1', { threadId: 'thread-1' }),
      server.getOrCreateRoom('thread-1', { threadId: 'ignored' }),
    ]);
    expect(a).toBe(b);
    expect(a.meta).toEqual({ threadId: 'thread-1' });
    expect(server.roomCount).toBe(1);
    expect(server.getRoom('thread-1')).toBe(a);
    expect(await server.getOrCreateRoom('thread-1')).toBe(a);
    const room = a;
    const log = recordRoom(room);
    expect(room.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
    );

    const alice = room.join('peer-a', { userId: 'user-a', rtpCapabilities: room.rtpCapabilities });
    const bob = room.join('peer-b', { userId: 'user-b' });
    expect(room.peers.size).toBe(2);

    const send = await alice.createTransport('send');
    expect(send.id).toBeTruthy();
    expect(send.iceParameters.usernameFragment).toBeTruthy();
    expect(send.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(send.iceCandidates.length).toBeGreaterThanOrEqual(2);
    for (const candidate of send.iceCandidates) {
      expect(candidate.ip).toBe(ANNOUNCED_IP);
      expect([config.port, config.port + 1]).toContain(candidate.port);
    }
    expect(new Set(send.iceCandidates.map((c) => c.protocol))).toEqual(new Set(['udp', 'tcp']));
    expect(alice.transports.size).toBe(1);

    expectSfuError(() => alice.assertTransport('nope'), 'TRANSPORT_NOT_FOUND');
    expectSfuError(() => alice.assertProducer('nope'), 'PRODUCER_NOT_FOUND');
    expectSfuError(() => room.assertPeer('nobody'), 'PEER_NOT_FOUND');
    await expectSfuRejection(alice.consume(send.id, 'nope'), 'WRONG_TRANSPORT_DIRECTION');

    // Same peer id again = reconnect: the old Peer closes, the room keeps going.
    const bobClosed = bob.next('closed', within());
    const bob2 = room.join('peer-b', { userId: 'user-b' });
    expect(await bobClosed).toEqual({ reason: 'replaced' });
    expect(bob.closed).toBe(true);
    expect(room.getPeer('peer-b')).toBe(bob2);
    expect(room.peers.size).toBe(2);

    const closed = room.next('closed', within());
    expect(room.leave('peer-a')).toBe(true);
    expect(room.leave('peer-a')).toBe(false);
    expect(alice.closed).toBe(true);
    bob2.close();
    bob2.close(); // idempotent
    // Closing is deferred a tick so a leave + immediate rejoin keeps the room.
    expect(room.closed).toBe(false);
    expect(await closed).toEqual({ reason: 'empty' });
    expect(room.closed).toBe(true);
    expect(room.router.closed).toBe(true);
    expect(server.roomCount).toBe(0);
    expect(server.getRoom('thread-1')).toBeUndefined();
    expectSfuError(() => room.join('peer-c', { userId: 'user-c' }), 'ROOM_CLOSED');

    expect(log.map((e) => e.event)).toEqual(['peer-joined', 'peer-joined', 'peer-left', 'peer-joined', 'peer-left', 'peer-left', 'closed']);
    expect(log[2]?.payload).toEqual({ peerId: 'peer-b', userId: 'user-b', reason: 'replaced' });
  });

  it('keeps a room alive across a leave followed by a join in the same tick', async () => {
    const room = await server.getOrCreateRoom('thread-rejoin');
    room.join('p1', { userId: 'u1' });
    room.leave('p1');
    room.join('p2', { userId: 'u2' });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(room.closed).toBe(false);
    room.close();
    expect(server.roomCount).toBe(0);
  });

  it('routes media server-side: plain RTP in, paused consumer on a WebRtcTransport, resume, close propagation', async () => {
    const room = await server.getOrCreateRoom('call-media');
    const log = recordRoom(room);
    const viewer = room.join('viewer', { userId: 'user-v', rtpCapabilities: room.rtpCapabilities });
    const sender = room.join('sender', { userId: 'user-s', rtpCapabilities: room.rtpCapabilities });

    // 1. A "camera" outside any Peer, fed with real RTP over UDP.
    const plain = await createPlainVp8Producer(room.router);
    cleanups.push(plain.close);
    await plain.sendRtp(20);
    const stats = await waitFor(async () => {
      const s = await plain.producer.getStats();
      return s.some((x) => x.byteCount > 0) ? s : undefined;
    });
    expect(stats[0]?.ssrc).toBe(1111);

    const recv = await viewer.createTransport('recv');
    const params = await viewer.consume(recv.id, plain.producer.id);
    expect(params).toMatchObject({ producerId: plain.producer.id, kind: 'video', type: 'simple', producerPaused: false });
    expect(params.rtpParameters.codecs[0]?.mimeType).toBe('video/VP8');
    const consumer = viewer.consumers.get(params.id);
    expect(consumer?.paused).toBe(true);
    await viewer.resumeConsumer(params.id);
    expect(consumer?.paused).toBe(false);

    // Capabilities without VP8, unknown producers and send-side misuse are refused with stable codes.
    const audioOnly: ms.RtpCapabilities = {
      codecs: room.rtpCapabilities.codecs?.filter((c) => c.kind === 'audio') ?? [],
      headerExtensions: [],
    };
    await expectSfuRejection(viewer.consume(recv.id, plain.producer.id, audioOnly), 'CANNOT_CONSUME');
    await expectSfuRejection(viewer.consume(recv.id, 'no-such-producer'), 'CANNOT_CONSUME');
    await expectSfuRejection(viewer.produce(recv.id, 'video', VP8_RTP_PARAMETERS), 'WRONG_TRANSPORT_DIRECTION');
    await expectSfuRejection(viewer.resumeConsumer('nope'), 'CONSUMER_NOT_FOUND');

    // The producer goes away: the viewer's consumer closes and the room says so.
    const consumerClosed = room.next('consumer-closed', within());
    plain.producer.close();
    expect(await consumerClosed).toEqual({ peerId: 'viewer', consumerId: params.id, producerId: plain.producer.id });
    expect(viewer.consumers.size).toBe(0);

    // 2. The same through a Peer: produce on a WebRtcTransport, consume it, close it.
    const send = await sender.createTransport('send');
    await expectSfuRejection(sender.produce(send.id, 'video', { codecs: [], encodings: [] }), 'INVALID_PARAMETERS');
    const newProducer = room.next('new-producer', within());
    const producerId = await sender.produce(send.id, 'video', { ...VP8_RTP_PARAMETERS, encodings: [{ ssrc: 2222 }] });
    expect(await newProducer).toEqual({ peerId: 'sender', producerId, kind: 'video' });
    expect(room.listProducers('viewer')).toEqual([{ peerId: 'sender', producerId, kind: 'video' }]);
    expect(room.listProducers('sender')).toEqual([]);
    const c2 = await viewer.consume(recv.id, producerId);
    expect(viewer.consumers.get(c2.id)?.paused).toBe(true);

    const producerClosed = room.next('producer-closed', within());
    const c2Closed = room.next('consumer-closed', within());
    sender.closeProducer(producerId);
    expect(await producerClosed).toEqual({ peerId: 'sender', producerId });
    // The worker closes consumers of a closed producer with an asynchronous notification.
    expect(await c2Closed).toEqual({ peerId: 'viewer', consumerId: c2.id, producerId });
    expect(viewer.consumers.has(c2.id)).toBe(false);
    expectSfuError(() => sender.closeProducer(producerId), 'PRODUCER_NOT_FOUND');

    const closed = room.next('closed', within());
    room.close();
    room.close(); // idempotent
    expect(await closed).toEqual({ reason: 'ended' });
    expect(viewer.closed && sender.closed).toBe(true);
    expect(log.filter((e) => e.event === 'closed')).toHaveLength(1);
    // Peers closed by the room itself are covered by 'closed', not reported one by one.
    expect(log.filter((e) => e.event === 'peer-left')).toHaveLength(0);
    await expectSfuRejection(viewer.createTransport('send'), 'PEER_CLOSED');
    expect(server.roomCount).toBe(0);
  });

  it('closes rooms nobody joins, and fails room creation that races server close', async () => {
    const other = await SfuServer.create({ ...config, numWorkers: 1, port: await findFreePortRange(1), joinTimeoutMs: 100 });
    cleanups.push(() => other.close());
    const idle = await other.getOrCreateRoom('idle');
    expect(await idle.next('closed', within())).toEqual({ reason: 'join-timeout' });
    expect(other.roomCount).toBe(0);

    const pending = other.getOrCreateRoom('racing');
    other.close();
    await expectSfuRejection(pending, 'SERVER_CLOSED');
    expect(other.roomCount).toBe(0);
    expect(other.workerPids()).toEqual([]);
  });

  it('replaces a SIGKILLed worker, closes its rooms with worker-died, and serves new rooms afterwards', async () => {
    const r1 = await server.getOrCreateRoom('call-doomed');
    const r2 = await server.getOrCreateRoom('call-survivor');
    // Round-robin: two consecutive rooms land on different workers.
    expect(r1.workerPid).not.toBe(r2.workerPid);
    const p1 = r1.join('p1', { userId: 'u1' });
    r2.join('p2', { userId: 'u2' });
    await p1.createTransport('send');
    const before = server.workerPids();
    const deadPid = r1.workerPid;

    const r1Closed = r1.next('closed', within());
    const died = server.next('worker-died', within());
    const replaced = server.next('worker-replaced', within(10_000));
    const p1Closed = p1.next('closed', within());
    process.kill(deadPid, 'SIGKILL');

    expect(await r1Closed).toEqual({ reason: 'worker-died' });
    expect(await p1Closed).toEqual({ reason: 'room-closed' });
    const diedEvent: SfuServerEvents['worker-died'] = await died;
    expect(diedEvent.pid).toBe(deadPid);
    expect(server.getRoom('call-doomed')).toBeUndefined();
    expect(r2.closed).toBe(false);

    const { oldPid, newPid, index } = await replaced;
    expect(oldPid).toBe(deadPid);
    expect(index).toBe(before.indexOf(deadPid));
    const after = server.workerPids();
    expect(after).toHaveLength(2);
    expect(after).not.toEqual(before);
    expect(after).not.toContain(deadPid);
    expect(after).toContain(newPid);
    expect(after).toContain(r2.workerPid);

    // The same id now yields a fresh room; create enough rooms to hit both workers.
    const again = await server.getOrCreateRoom('call-doomed');
    expect(again).not.toBe(r1);
    const extra = await server.getOrCreateRoom('call-extra');
    expect(new Set([again.workerPid, extra.workerPid])).toEqual(new Set(after));
    for (const room of [again, extra]) {
      const peer = room.join('p', { userId: 'u', rtpCapabilities: room.rtpCapabilities });
      const t = await peer.createTransport('recv');
      // The replacement's WebRtcServer listens on the dead worker's port again.
      for (const c of t.iceCandidates) expect([config.port, config.port + 1]).toContain(c.port);
    }
    const newSlotRoom = again.workerPid === newPid ? again : extra;
    const t2 = await newSlotRoom.getPeer('p')!.createTransport('send');
    expect(t2.iceCandidates[0]?.port).toBe(config.port + index);

    server.close();
    expect(again.closed && extra.closed && r2.closed).toBe(true);
    expect(server.roomCount).toBe(0);
    expect(server.workerPids()).toEqual([]);
    await expectSfuRejection(server.getOrCreateRoom('late'), 'SERVER_CLOSED');
  });
});
