import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

/**
 * An SMTP relay that accepts connections and never answers (not even the greeting). PGlite runs
 * one transaction at a time, so a mailer that kept a transaction open while it waits for this
 * relay would stop every request of the instance.
 */
describe('a silent SMTP relay on PGlite', () => {
  let relay: Server;
  const sockets: Socket[] = [];
  let hangUp = false;
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    relay = createServer((socket) => (hangUp ? socket.destroy() : sockets.push(socket)));
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    // The SMTP time-out is far longer than the bound below: only not holding the database helps.
    server = await startServer('pglite', {
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'noreply@counsel.test', SMTP_TIMEOUT_MS: '120000' },
    });
    world = await buildWorld(server);
    for (const counsellor of world.solo.counsellors) {
      await server.db.database.db
        .updateTable('users')
        .set({ email: `${counsellor.me.username}@counsel.test` })
        .where('id', '=', counsellor.userId)
        .execute();
    }
  });
  afterAll(async () => {
    hangUp = true;
    for (const socket of sockets) socket.destroy();
    await server?.close();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  });

  it('should keep answering requests while the mailer waits for the relay, then record the failed attempt', async () => {
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'hello' });
    await waitFor(() => sockets.length > 0, 'the mailer connecting to the relay');

    // Generous bound for a frozen dependency: without the fix this waits for the SMTP time-out.
    const started = Date.now();
    const topics = await fetch(`${server.url}/v1/topics`, { signal: AbortSignal.timeout(10_000) });
    expect(topics.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Writes go through too, the mailer's claim is committed and holds nothing.
    await seeker.sendMessage(thread.id, 'still there?');

    const mails = () =>
      server.db.database.db
        .selectFrom('notifications')
        .select(['id', 'emailStatus', 'emailAttempts', 'emailNotBefore'])
        .where('threadId', '=', thread.id)
        .where('emailStatus', '!=', 'none')
        .execute();
    const claimed = (await mails()).filter((mail) => mail.emailAttempts === 1);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]?.emailStatus).toBe('pending');
    expect((claimed[0]?.emailNotBefore as Date).getTime()).toBeGreaterThan(Date.now());

    // The relay hangs up: the attempt is recorded as failed, and the mail waits for its retry
    // (a back-off of a minute, far shorter than the claim's lease).
    hangUp = true;
    for (const socket of sockets) socket.destroy();
    await waitFor(() => server.logs.some((line) => line.includes('mailer | send failed')), 'the failure being recorded');
    const after = (await mails()).find((mail) => mail.id === claimed[0]?.id);
    expect(after?.emailStatus).toBe('pending');
    const retryIn = (after?.emailNotBefore as Date).getTime() - Date.now();
    expect(retryIn).toBeGreaterThan(0);
    expect(retryIn).toBeLessThan((claimed[0]?.emailNotBefore as Date).getTime() - Date.now());
  });
});
