import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { databaseTargets } from '../helpers/database.ts';
import { waitFor } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const CANARY = 'Secret canary words 4411 orange submarine';

interface Mail {
  to: string[];
  data: string;
}

describe.each(databaseTargets())('team-inbox notifications and e-mail on %s', (target) => {
  let smtp: SMTPServer;
  const mails: Mail[] = [];
  let server: TestServer;
  let world: World;
  const emailOf = new Map<string, string>();

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as { port: number }).port;
    server = await startServer(target, {
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_FROM: 'noreply@counsel.test' },
    });
    world = await buildWorld(server);
    for (const client of [...world.team.counsellors, ...world.solo.counsellors]) {
      const email = `${client.me.username}@counsel.test`;
      emailOf.set(client.userId, email);
      await server.db.database.db.updateTable('users').set({ email }).where('id', '=', client.userId).execute();
    }
  });
  afterAll(async () => {
    await server?.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  function mailsFor(userId: string, subject: string): Mail[] {
    return mails.filter((mail) => mail.to.includes(emailOf.get(userId) as string) && mail.data.includes(subject));
  }

  it('should notify the whole agency of an enquiry, skip absent counsellors by e-mail, and notify the team of follow-ups', async () => {
    const [a1, a2, a3] = world.team.counsellors;
    const [b1, b2] = world.solo.counsellors;
    await a1.setAbsence('Away this week');

    const seeker = await newSeeker(server);
    const teamThread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: `${CANARY} enquiry` });
    await waitFor(() => mailsFor(a2.userId, 'New enquiry').length === 1 && mailsFor(a3.userId, 'New enquiry').length === 1, 'enquiry mails');
    // In-app for everyone of the agency, absent or not; nobody outside the agency.
    for (const counsellor of [a1, a2, a3]) {
      expect((await counsellor.listNotifications()).some((n) => n.kind === 'enquiry.new' && n.threadId === teamThread.id)).toBe(true);
    }
    expect((await b1.listNotifications()).some((n) => n.threadId === teamThread.id)).toBe(false);

    await a2.claim(teamThread.id);
    await seeker.sendMessage(teamThread.id, `${CANARY} follow-up`);
    // Team agency: the assigned counsellor and every colleague, also for a colleague's case.
    await waitFor(
      () => [a1, a2, a3].every((c) => mailsFor(c.userId, 'New message').length === 1),
      'follow-up mails to the whole team',
    );

    const soloSeeker = await newSeeker(server);
    const soloThread = await soloSeeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: `${CANARY} solo` });
    await waitFor(() => mailsFor(b1.userId, 'New enquiry').length >= 1 && mailsFor(b2.userId, 'New enquiry').length >= 1, 'solo enquiry mails');
    await b1.claim(soloThread.id);
    await soloSeeker.sendMessage(soloThread.id, `${CANARY} solo follow-up`);
    await waitFor(() => mailsFor(b1.userId, 'New message').length === 1, 'follow-up to the assigned counsellor');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Non-team agency: the colleague gets nothing about a claimed case.
    expect(mailsFor(b2.userId, 'New message')).toEqual([]);
    expect((await b2.listNotifications()).filter((n) => n.kind === 'message.new')).toEqual([]);

    // The absent counsellor got no new-enquiry e-mail at all.
    expect(mailsFor(a1.userId, 'New enquiry')).toEqual([]);
    // Mails carry a link and never content; by default not the topic or the agency either
    // (MAIL_INCLUDE_TOPIC), which would tell every mail server what the seeker's trouble is.
    const enquiryMail = mailsFor(a2.userId, 'New enquiry')[0] as Mail;
    expect(enquiryMail.data).toContain(`/threads/${teamThread.id}`);
    const topicWord = world.topic.name.split(' ')[0] as string;
    for (const mail of mails) {
      expect(mail.data.includes('canary')).toBe(false);
      expect(mail.data.includes(CANARY.slice(0, 12))).toBe(false);
      for (const secret of [topicWord, 'Team agency North', 'Agency South']) expect(mail.data.includes(secret)).toBe(false);
    }
    // No duplicates: one mail per recipient and event.
    const keys = mails.map((mail) => `${mail.to.join(',')}|${/Subject: (.*)/.exec(mail.data)?.[1] ?? ''}|${/threads\/([0-9a-f-]+)/.exec(mail.data)?.[1] ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);

    // In-app notifications can be marked as read.
    const unread = await a3.listNotifications(true);
    expect(unread.length).toBeGreaterThan(0);
    await a3.markNotificationRead(unread[0]?.id as string);
    expect((await a3.listNotifications(true)).length).toBe(unread.length - 1);
    await a1.clearAbsence();
  });
});
