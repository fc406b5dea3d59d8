import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient, type ThreadDetail } from '../../../client-sdk/src/index.ts';
import { expireAnonymous } from '../../src/accounts/service.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const HOUR = 3_600_000;

describe.each(databaseTargets())('anonymous expiry on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  /** A seeker with a claimed thread, messages both ways, and notifications on both sides. */
  async function seekerWithCase(seeker: CounselClient): Promise<ThreadDetail> {
    const [b1] = world.solo.counsellors;
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'my enquiry' });
    await b1.claim(thread.id);
    await b1.sendMessage(thread.id, 'the counsellor answers');
    await seeker.sendMessage(thread.id, 'the seeker follows up');
    return thread;
  }

  /** Everything stored about a user and their threads, counted per table. */
  async function footprint(userId: string, threadId: string) {
    const db = server.db.database.db;
    const count = async (query: { execute(): Promise<unknown[]> }) => (await query.execute()).length;
    return {
      users: await count(db.selectFrom('users').select('id').where('id', '=', userId)),
      tokens: await count(db.selectFrom('tokens').select('userId').where('userId', '=', userId)),
      resumeCodes: await count(db.selectFrom('resumeCodes').select('userId').where('userId', '=', userId)),
      threads: await count(db.selectFrom('threads').select('id').where('seekerId', '=', userId)),
      messages: await count(db.selectFrom('messages').select('id').where('threadId', '=', threadId)),
      epochs: await count(db.selectFrom('threadEpochs').select('epoch').where('threadId', '=', threadId)),
      envelopes: await count(db.selectFrom('threadKeyEnvelopes').select('epoch').where('threadId', '=', threadId)),
      // The seeker's own notifications and the counsellor's about the seeker's thread.
      notifications: await count(
        db.selectFrom('notifications').select('id').where((eb) => eb.or([eb('userId', '=', userId), eb('threadId', '=', threadId)])),
      ),
    };
  }

  async function idleSince(userId: string, at: Date): Promise<void> {
    await server.db.database.db.updateTable('users').set({ lastActiveAt: at }).where('id', '=', userId).execute();
  }

  it('should delete idle anonymous seekers with everything of theirs, and keep active and registered ones', async () => {
    const ttl = server.config.anonIdleTtlSeconds * 1000;
    const idle = await CounselClient.startAnonymous({ baseUrl: server.url });
    const idleThread = await seekerWithCase(idle);
    await idle.createResumeCode();
    const active = await CounselClient.startAnonymous({ baseUrl: server.url });
    const activeThread = await seekerWithCase(active);
    const registered = await newSeeker(server);
    const registeredThread = await seekerWithCase(registered);

    const before = await footprint(idle.userId, idleThread.id);
    expect(before).toMatchObject({ users: 1, tokens: 1, resumeCodes: 1, threads: 1, messages: 3, epochs: 2 });
    expect(before.notifications).toBeGreaterThanOrEqual(3);
    const activeBefore = await footprint(active.userId, activeThread.id);
    const registeredBefore = await footprint(registered.userId, registeredThread.id);
    const idleSocket = await rawSocket(server.url, idle.token as string);

    await idleSince(idle.userId, new Date(Date.now() - ttl - HOUR));
    await idleSince(active.userId, new Date(Date.now() - ttl + HOUR));
    // Registered accounts never expire, however long they are away.
    await idleSince(registered.userId, new Date(Date.now() - 10 * ttl));

    expect(await expireAnonymous(server.app.ctx)).toBe(1);

    expect(await footprint(idle.userId, idleThread.id)).toEqual({
      users: 0,
      tokens: 0,
      resumeCodes: 0,
      threads: 0,
      messages: 0,
      epochs: 0,
      envelopes: 0,
      notifications: 0,
    });
    expect(await footprint(active.userId, activeThread.id)).toEqual(activeBefore);
    expect(await footprint(registered.userId, registeredThread.id)).toEqual(registeredBefore);

    // The token stops at once (also from the cache), and the open socket is told and closed.
    await expectApiError(idle.refreshMe(), 401, 'AUTH_REQUIRED');
    await waitFor(() => idleSocket.socket.readyState === idleSocket.socket.CLOSED, 'the idle seeker socket closing');
    expect(idleSocket.frames.some((frame) => frame.code === 'AUTH_REQUIRED')).toBe(true);
    // The counsellor no longer sees the case; the others carry on.
    const [b1] = world.solo.counsellors;
    await expectApiError(b1.getThread(idleThread.id), 404, 'THREAD_NOT_FOUND');
    expect((await b1.listMyThreads()).map((thread) => thread.id)).not.toContain(idleThread.id);
    await active.sendMessage(activeThread.id, 'still here');
    await registered.sendMessage(registeredThread.id, 'still here too');

    // A second sweep finds nothing more.
    expect(await expireAnonymous(server.app.ctx)).toBe(0);
  });
});
