import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { loadConfig, type SmtpConfig } from '../../src/config.ts';
import { Mailer, MAX_ATTEMPTS } from '../../src/notifications/mailer.ts';
import { databaseTargets } from '../helpers/database.ts';
import { waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

interface Mail {
  to: string;
  data: string;
}

/**
 * The outbox as several instances drain it: each instance is a Mailer of its own over the same
 * database (the app itself runs without SMTP here, so only these mailers send).
 */
describe.each(databaseTargets())('the e-mail outbox with leases on %s', (target) => {
  let relay: SMTPServer;
  const mails: Mail[] = [];
  let smtp: SmtpConfig;
  let server: TestServer;
  let world: World;
  const mailers: Mailer[] = [];

  beforeAll(async () => {
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          for (const recipient of session.envelope.rcptTo) mails.push({ to: recipient.address, data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.server.address() as { port: number }).port;
    smtp = loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'noreply@counsel.test', MAIL_INCLUDE_TOPIC: 'true' })
      .smtp as SmtpConfig;
    server = await startServer(target);
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
    for (const mailer of mailers) await mailer.close();
    await server?.close();
    await new Promise<void>((resolve) => relay.close(resolve));
  });

  function instance(): Mailer {
    const mailer = new Mailer(server.app.ctx, smtp);
    mailers.push(mailer);
    return mailer;
  }

  const outbox = () =>
    server.db.database.db.selectFrom('notifications').select(['id', 'emailStatus', 'emailAttempts', 'emailNotBefore']).execute();

  async function drained(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await outbox()).some((row) => row.emailStatus === 'pending' && (row.emailNotBefore ?? new Date(0)) <= new Date())) {
      if (Date.now() > deadline) throw new Error('outbox not drained');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('should send every e-mail exactly once while three instances drain at the same time', async () => {
    const seeker = await newSeeker(server);
    const threads = [];
    for (let i = 0; i < 6; i++) {
      threads.push(await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: `enquiry ${i}` }));
    }
    const pending = (await outbox()).filter((row) => row.emailStatus === 'pending');
    expect(pending).toHaveLength(12);

    const three = [instance(), instance(), instance()];
    for (let round = 0; round < 5; round++) for (const mailer of three) mailer.kick();
    await waitFor(() => mails.length >= 12, 'twelve mails');
    await drained();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(mails).toHaveLength(12);
    const keys = mails.map((mail) => `${mail.to}|${/threads\/([0-9a-f-]+)/.exec(mail.data)?.[1] ?? ''}`);
    expect(new Set(keys).size).toBe(12);
    const rows = await outbox();
    expect(rows.filter((row) => row.emailStatus === 'sent')).toHaveLength(12);
    expect(rows.every((row) => row.emailStatus !== 'sent' || (row.emailAttempts === 1 && row.emailNotBefore === null))).toBe(true);
    // MAIL_INCLUDE_TOPIC=true names the topic and the agency, as an operator chose.
    expect(mails.every((mail) => mail.data.includes(world.topic.name) && mail.data.includes('Agency South'))).toBe(true);
  });

  it('should send again what a dead instance had claimed once its lease ran out, and leave live leases alone', async () => {
    mails.length = 0;
    const seeker = await newSeeker(server);
    for (let i = 0; i < 2; i++) await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: `more ${i}` });
    const [expired, live, exhausted, retrying] = (await outbox()).filter((row) => row.emailStatus === 'pending');
    const db = server.db.database.db;
    const set = (id: string, attempts: number, notBefore: Date) =>
      db.updateTable('notifications').set({ emailAttempts: attempts, emailNotBefore: notBefore }).where('id', '=', id).execute();
    const minute = 60_000;
    // Claimed by an instance that died mid-send: the lease ended a second ago.
    await set(expired?.id as string, 1, new Date(Date.now() - 1000));
    // Being sent by a live instance right now.
    await set(live?.id as string, 1, new Date(Date.now() + 10 * minute));
    // Claimed and lost MAX_ATTEMPTS times: given up without another send.
    await set(exhausted?.id as string, MAX_ATTEMPTS, new Date(Date.now() - 1000));
    // A failed attempt whose back-off has not passed yet.
    await set(retrying?.id as string, 2, new Date(Date.now() + 2 * minute));

    instance().kick();
    await drained();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const byId = new Map((await outbox()).map((row) => [row.id, row]));
    expect(byId.get(expired?.id as string)).toMatchObject({ emailStatus: 'sent', emailAttempts: 2 });
    expect(byId.get(live?.id as string)).toMatchObject({ emailStatus: 'pending', emailAttempts: 1 });
    expect(byId.get(exhausted?.id as string)).toMatchObject({ emailStatus: 'failed', emailAttempts: MAX_ATTEMPTS + 1 });
    expect(byId.get(retrying?.id as string)).toMatchObject({ emailStatus: 'pending', emailAttempts: 2 });
    expect(mails).toHaveLength(1);
  });
});
