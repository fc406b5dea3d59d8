import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient, ThreadDetail } from '../../../client-sdk/src/index.ts';
import { deleteMembership } from '../../src/agencies/repository.ts';
import { markThreadsForRekey } from '../../src/threads/repository.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

// Row locks only exist with several connections: PGlite runs one transaction at a time.
const enabled = Boolean(process.env.DATABASE_URL);

function b64(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A well-formed message body; the server cannot tell it from a real ciphertext. */
function messageBody(epoch = 0) {
  return { clientMessageId: randomUUID(), epoch, nonce: b64(24), ciphertext: b64(256), signature: b64(64) };
}

describe.skipIf(!enabled)('the send path and the thread row lock', () => {
  let server: TestServer;
  let world: World;
  let seeker: CounselClient;
  let thread: ThreadDetail;
  /** A second connection that holds the thread's row lock, as a slow legitimate send would. */
  let holder: pg.Client;
  /** A third connection that watches who waits for a lock. */
  let observer: pg.Client;

  beforeAll(async () => {
    server = await startServer('postgres');
    world = await buildWorld(server);
    seeker = await newSeeker(server);
    thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: 'hello' });
    holder = new pg.Client({ connectionString: server.db.url as string });
    observer = new pg.Client({ connectionString: server.db.url as string });
    await holder.connect();
    await observer.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await observer?.end();
    await server?.close();
  });

  /** Sessions of the server's pool that are blocked on a lock right now. */
  async function lockWaiters(): Promise<number> {
    const result = await observer.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
    );
    return Number(result.rows[0]?.n);
  }

  /**
   * Resolves with the response if it arrives before the request waits for a lock, and with
   * 'waited for the lock' as soon as the request is seen waiting (no timing involved).
   */
  async function answerOrWait(request: Promise<Response>): Promise<Response | 'waited for the lock'> {
    let settled: Response | null = null;
    let failure: unknown = null;
    request.then(
      (response) => (settled = response),
      (error: unknown) => (failure = error),
    );
    for (;;) {
      if (failure) throw failure;
      if (settled) return settled;
      if ((await lockWaiters()) > 0) return 'waited for the lock';
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  function post(client: CounselClient, threadId: string, body: object, action = 'messages'): Promise<Response> {
    return fetch(`${server.url}/v1/threads/${threadId}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async function lockThread(threadId: string): Promise<void> {
    await holder.query('begin');
    await holder.query('select id from threads where id = $1 for update', [threadId]);
  }

  it("should refuse an outsider's send without waiting for the thread's row lock, exactly like a random id", async () => {
    const outsider = world.solo.counsellors[0];
    const otherSeeker = await newSeeker(server);
    await lockThread(thread.id);
    try {
      const answers: Record<string, Response | string> = {
        'outsider, real id': await answerOrWait(post(outsider, thread.id, messageBody())),
        'outsider, random id': await answerOrWait(post(outsider, randomUUID(), messageBody())),
        'other seeker, real id': await answerOrWait(post(otherSeeker, thread.id, messageBody())),
        'other seeker, random id': await answerOrWait(post(otherSeeker, randomUUID(), messageBody())),
      };
      const bodies: Record<string, unknown> = {};
      for (const [name, answer] of Object.entries(answers)) {
        expect([name, typeof answer === 'string' ? answer : answer.status]).toEqual([name, 404]);
        bodies[name] = await (answer as Response).json();
      }
      expect(bodies['outsider, real id']).toEqual(bodies['outsider, random id']);
      expect(bodies['other seeker, real id']).toEqual(bodies['outsider, random id']);
      expect(bodies['outsider, real id']).toEqual({ code: 'THREAD_NOT_FOUND', message: 'Thread not found', statusCode: 404 });

      // The probe does see waiting: the thread's own seeker queues behind the lock, as she should.
      const own = post(seeker, thread.id, messageBody(thread.currentEpoch));
      expect(await answerOrWait(own)).toBe('waited for the lock');
      await holder.query('commit');
      expect((await own).status).toBe(201);
    } finally {
      await holder.query('rollback').catch(() => undefined);
    }
  });

  it("should refuse an outsider's re-key and status change without waiting for the row lock either", async () => {
    const outsider = world.solo.counsellors[0];
    const rotate = { epoch: 1, envelopes: [{ recipientId: outsider.userId, sealedKey: b64(80), signature: b64(64) }] };
    await lockThread(thread.id);
    try {
      const answers = {
        epochs: await answerOrWait(post(outsider, thread.id, rotate, 'epochs')),
        status: await answerOrWait(post(outsider, thread.id, { status: 'closed' }, 'status')),
      };
      for (const [name, answer] of Object.entries(answers)) {
        expect([name, typeof answer === 'string' ? answer : answer.status]).toEqual([name, 404]);
      }
    } finally {
      await holder.query('rollback');
    }
  });

  it('should refuse the send of a counsellor removed while the send waited for the lock', async () => {
    const [b1] = world.solo.counsellors;
    const soloSeeker = await newSeeker(server);
    const solo = await soloSeeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'hi' });
    const claimed = await b1.claim(solo.id);
    const db = server.db.database.db;
    // The removal's own statements in a transaction that commits only once the send is waiting.
    let send: Promise<Response> | null = null;
    await db.transaction().execute(async (trx) => {
      await deleteMembership(trx, world.solo.id, b1.userId);
      await markThreadsForRekey(trx, { agencyId: world.solo.id, isTeam: false, userId: b1.userId, change: 'removed' });
      send = post(b1, solo.id, messageBody(claimed.currentEpoch));
      expect(await answerOrWait(send)).toBe('waited for the lock');
    });
    const response = await (send as unknown as Promise<Response>);
    expect(response.status).toBeGreaterThanOrEqual(400);
    const stored = await db.selectFrom('messages').select('id').where('threadId', '=', solo.id).where('senderId', '=', b1.userId).execute();
    expect(stored).toEqual([]);
  });
});
