import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ClientFrame } from '../../../client-sdk/src/contract/realtime.ts';
import { waitFor } from '../helpers/realtime.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { FuzzWorld, ROLES, type Role } from './fuzz-world.ts';
import { arbitraryFor, RawNumber, toJson, type JsonSchema } from './schema-arbitrary.ts';

/**
 * Issue 8, defect 3: property-based fuzzing of the WebSocket client frames (generated from the
 * contract's `ClientFrame` union, so new frames are fuzzed too) as every role. The property: no
 * `INTERNAL_ERROR` in any answer, and the server still answers afterwards.
 */
const FRAMES = Number(process.env.FUZZ_WS_FRAMES ?? 2_000);
/** Frames sent on one socket in one property run. */
const BATCH = 20;
/** The per-connection frame budget would throttle the fuzzer into testing the limiter only. */
const GENEROUS_LIMITS = { WS_FRAME_RATE: '100000', WS_FRAME_BURST: '100000', WS_USER_FRAME_RATE: '100000', WS_USER_FRAME_BURST: '100000' };

interface FuzzSocket {
  socket: WebSocket;
  received: Array<Record<string, unknown>>;
  closeCode: number | null;
}

describe('fuzzing the WebSocket client frames as every role', () => {
  let server: TestServer;
  let world: FuzzWorld;
  const sockets = new Map<Role, FuzzSocket>();

  beforeAll(async () => {
    server = await startServer('pglite', { env: GENEROUS_LIMITS });
    world = await FuzzWorld.create(server);
    world.vocabulary.byName.token = ROLES.map((role) => world.token(role)).filter((token): token is string => token !== null);
  });
  afterAll(async () => {
    for (const { socket } of sockets.values()) socket.terminate();
    await server?.close();
  });

  /** The role's socket, opened again when the server closed it (bad auth, frame too large). */
  async function socketFor(role: Role): Promise<FuzzSocket> {
    const current = sockets.get(role);
    if (current && current.closeCode === null && current.socket.readyState === WebSocket.OPEN) return current;
    const token = world.token(role);
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/ws`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const entry: FuzzSocket = { socket, received: current?.received ?? [], closeCode: null };
    socket.on('message', (data) => entry.received.push(JSON.parse(data.toString()) as Record<string, unknown>));
    socket.on('close', (code) => (entry.closeCode = code));
    socket.on('error', () => {});
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    if (token) await waitFor(() => entry.received.some((frame) => frame.type === 'ready') || entry.closeCode !== null, 'ready');
    sockets.set(role, entry);
    return entry;
  }

  it(`should answer ${FRAMES} generated frames with no INTERNAL_ERROR and keep serving`, async () => {
    const options = (mutate: boolean) => ({ vocabulary: world.vocabulary, resolve: () => ({}), mutate });
    const schema = ClientFrame as unknown as JsonSchema;
    const sync = '{"type":"sync","threadId":"%s","afterSeq":%n}';
    const raw = fc.oneof(
      fc.constantFrom('not json', '', '{', '[]', 'null', '1e400', '"auth"', `[${'['.repeat(20_000)}${']'.repeat(20_000)}]`, `{"type":"ping","pad":"${'x'.repeat(60_000)}"}`),
      fc.tuple(fc.constantFrom(...world.vocabulary.uuids), fc.constantFrom('1e400', '9223372036854775808', '1e20', '-0', '0.5', '-1')).map(([id, number]) => sync.replace('%s', id).replace('%n', number)),
    );
    const frame = fc.oneof(
      { weight: 4, arbitrary: arbitraryFor(schema, options(false)).map(toJson) },
      { weight: 4, arbitrary: arbitraryFor(schema, options(true)).map(toJson) },
      { weight: 1, arbitrary: raw },
      { weight: 1, arbitrary: fc.constant(toJson({ type: 'sync', threadId: world.vocabulary.uuids.at(-1), afterSeq: new RawNumber('0') })) },
    );
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROLES), fc.array(frame, { minLength: BATCH, maxLength: BATCH }), fc.boolean(), async (role, frames, asBinary) => {
        const entry = await socketFor(role);
        const before = entry.received.length;
        for (const text of frames) {
          if (entry.socket.readyState !== WebSocket.OPEN) break;
          entry.socket.send(asBinary ? Buffer.from(text) : text);
          sent += 1;
        }
        // Let the answers arrive: until nothing came for 50 ms (or the socket closed).
        let seen = -1;
        await waitFor(
          () => {
            const done = entry.closeCode !== null || seen === entry.received.length;
            seen = entry.received.length;
            return done;
          },
          'quiet socket',
          10_000,
        ).catch(() => {});
        const answers = entry.received.slice(before);
        const internal = answers.filter((answer) => answer.code === 'INTERNAL_ERROR');
        expect(internal, `${role}: ${frames.map((text) => text.slice(0, 120)).join(' | ')}`).toEqual([]);
        expect(entry.closeCode, 'closed as a server error').not.toBe(1011);
      }),
      { numRuns: Math.ceil(FRAMES / BATCH), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    // Answers that came after their run's quiet period are checked here.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [role, entry] of sockets) expect(entry.received.filter((answer) => answer.code === 'INTERNAL_ERROR'), role).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  }, 15 * 60_000);
});
