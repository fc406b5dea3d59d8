import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient, CryptoFailure, type MessageView, type ThreadSummary } from '../../client-sdk/src/index.ts';
import { expireAnonymous } from '../src/accounts/service.ts';
import { expectApiError } from './helpers/api-error.ts';
import { databaseTargets } from './helpers/database.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from './helpers/server.ts';
import { buildWorld, type World } from './helpers/world.ts';

async function rawMessages(reader: CounselClient, threadId: string): Promise<MessageView[]> {
  const page = await reader.http.request<{ messages: MessageView[] }>('GET', `/v1/threads/${threadId}/messages`);
  return page.messages;
}

describe.each(databaseTargets())('end-to-end flows on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  it('should find local agencies by topic and postcode and fall back to the virtual agency', async () => {
    const seeker = await newSeeker(server);
    expect((await seeker.findAgencies(world.topic.id, '15000')).map((a) => a.id)).toEqual([world.team.id]);
    expect((await seeker.findAgencies(world.topic.id, '25000')).map((a) => a.id)).toEqual([world.solo.id]);
    const fallback = await seeker.findAgencies(world.topic.id, '99999');
    expect(fallback).toEqual([expect.objectContaining({ id: world.virtual.id, isVirtual: true })]);
  });

  it('should let exactly the agency read an enquiry, then only seeker and claimer after the claim (non-team)', async () => {
    const [b1, b2] = world.solo.counsellors;
    const [a1] = world.team.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'I need help' });
    expect(thread.status).toBe('enquiry');

    // Before the claim: both counsellors of the agency list and decrypt it; others see nothing.
    for (const counsellor of [b1, b2]) {
      expect((await counsellor.listEnquiries()).map((t) => t.id)).toContain(thread.id);
      const { messages } = await counsellor.history(thread.id);
      expect(messages.map((m) => m.text)).toEqual(['I need help']);
    }
    expect((await a1.listEnquiries()).map((t) => t.id)).not.toContain(thread.id);
    await expectApiError(a1.getThread(thread.id), 404, 'THREAD_NOT_FOUND');
    await expectApiError(a1.history(thread.id), 404, 'THREAD_NOT_FOUND');
    await expectApiError(world.admin.getThread(thread.id), 404, 'THREAD_NOT_FOUND');

    // A counsellor cannot write into an enquiry without claiming it.
    await expectApiError(b1.sendMessage(thread.id, 'hello'), 403, 'THREAD_WRITE_FORBIDDEN');

    // The claim: one winner, the other gets a 409, the thread leaves the inbox.
    const inboxEntry = (await b2.listEnquiries()).find((t) => t.id === thread.id);
    expect(inboxEntry).toBeDefined();
    const claimed = await b1.claim(thread.id);
    expect(claimed).toMatchObject({ status: 'active', counsellorId: b1.userId, currentEpoch: 1 });
    await expectApiError(b2.claim(inboxEntry as ThreadSummary), 409, 'THREAD_ALREADY_CLAIMED');
    expect((await b2.listEnquiries()).map((t) => t.id)).not.toContain(thread.id);
    expect((await b1.listMyThreads()).map((t) => t.id)).toContain(thread.id);
    await expectApiError(b2.getThread(thread.id), 404, 'THREAD_NOT_FOUND');
    await expectApiError(b2.history(thread.id), 404, 'THREAD_NOT_FOUND');

    // After the claim: new messages use the new epoch; b2 holds no key for it.
    await seeker.sendMessage(thread.id, 'follow-up after claim');
    await b1.sendMessage(thread.id, 'answer from b1');
    const b1View = await b1.history(thread.id);
    expect(b1View.messages.map((m) => m.text)).toEqual(['I need help', 'follow-up after claim', 'answer from b1']);
    const seekerView = await seeker.history(thread.id);
    expect(seekerView.messages.map((m) => m.text)).toEqual(['I need help', 'follow-up after claim', 'answer from b1']);
    const raw = await rawMessages(b1, thread.id);
    const b2Attempt = await b2.decryptMessages(thread.id, raw.filter((m) => m.epoch === 1));
    expect(b2Attempt.every((m) => m.text === null && m.failure === CryptoFailure.UNKNOWN_EPOCH)).toBe(true);

    // The seeker sees the counsellor's absence notice.
    await b1.setAbsence('On holiday until Monday');
    expect((await seeker.getThread(thread.id)).counsellorAbsence?.message).toBe('On holiday until Monday');
    await b1.clearAbsence();

    // Close, archive, reopen by a new message.
    expect((await b1.closeThread(thread.id)).status).toBe('closed');
    expect((await b1.archiveThread(thread.id)).status).toBe('archived');
    await seeker.sendMessage(thread.id, 'I am back');
    expect((await b1.getThread(thread.id)).status).toBe('active');

    // Safety numbers agree on both sides.
    expect(seeker.safetyNumberWith(b1.userId)).toBe(b1.safetyNumberWith(seeker.userId));
    expect(seeker.safetyNumberWith(b1.userId)).toMatch(/^(\d{5} ){11}\d{5}$/);

    // Logging in on another client restores the keys from the encrypted backup.
    const again = await CounselClient.login({ baseUrl: server.url, username: seeker.me.username as string, password: PASSWORD });
    expect((await again.history(thread.id)).messages.map((m) => m.text)).toContain('I am back');
    await expectApiError(
      CounselClient.login({ baseUrl: server.url, username: seeker.me.username as string, password: 'wrong password' }),
      401,
      'AUTH_INVALID_CREDENTIALS',
    );
  });

  it('should give the team read access after the claim, log every team-view access, and re-key on removal', async () => {
    const [a1, a2, a3] = world.team.counsellors;
    const [b1] = world.solo.counsellors;
    const anonymous = await CounselClient.startAnonymous({ baseUrl: server.url });
    expect(anonymous.me.isAnonymous).toBe(true);
    const thread = await anonymous.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: 'anonymous question' });
    for (const counsellor of [a1, a2, a3]) {
      expect((await counsellor.listEnquiries()).map((t) => t.id)).toContain(thread.id);
    }
    await expectApiError(b1.getThread(thread.id), 404);

    await a1.claim(thread.id);
    await anonymous.sendMessage(thread.id, 'after the claim');
    expect((await a2.listEnquiries()).map((t) => t.id)).not.toContain(thread.id);
    expect((await a2.listTeamThreads()).map((t) => t.id)).toContain(thread.id);
    expect((await a1.listTeamThreads()).map((t) => t.id)).not.toContain(thread.id);
    expect((await b1.listTeamThreads()).map((t) => t.id)).not.toContain(thread.id);

    // Team view: a2 reads the colleague's case; the access is logged for owner and admins.
    const teamView = await a2.history(thread.id);
    expect(teamView.messages.map((m) => m.text)).toEqual(['anonymous question', 'after the claim']);
    const ownerLog = await a1.threadAccessLog(thread.id);
    expect(ownerLog.some((entry) => entry.counsellorId === a2.userId && entry.action === 'read')).toBe(true);
    const adminLog = await world.admin.agencyAccessLog(world.team.id);
    expect(adminLog.some((entry) => entry.threadId === thread.id && entry.counsellorId === a2.userId)).toBe(true);
    // a1 is the agency admin of the team agency and may list the agency log as well; a3 may not.
    expect((await a1.agencyAccessLog(world.team.id)).length).toBeGreaterThan(0);
    await expectApiError(a3.agencyAccessLog(world.team.id), 404);
    await expectApiError(a3.threadAccessLog(thread.id), 404);
    await expectApiError(anonymous.threadAccessLog(thread.id), 403);

    // A team member's message is signed by them; it cannot pass as the assigned counsellor's.
    await a2.sendMessage(thread.id, 'covering for a1');
    const raw = await rawMessages(a1, thread.id);
    const forged = raw.map((m) => (m.senderId === a2.userId ? { ...m, senderId: a1.userId } : m));
    const forgedView = await anonymous.decryptMessages(thread.id, forged);
    expect(forgedView.find((m) => m.clientMessageId === raw.at(-1)?.clientMessageId)?.failure).toBe(CryptoFailure.BAD_SIGNATURE);

    // Removing a3 from the agency: no HTTP access at once, and no key for anything written afterwards.
    const keyBefore = (await a3.getThread(thread.id)).currentEpoch;
    await world.admin.adminRemoveMember(world.team.id, a3.userId);
    await expectApiError(a3.getThread(thread.id), 404);
    await expectApiError(a3.history(thread.id), 404);
    await anonymous.sendMessage(thread.id, 'written after removal');
    const after = await a1.getThread(thread.id);
    expect(after.currentEpoch).toBe(keyBefore + 1);
    const rawAfter = await rawMessages(a1, thread.id);
    const newest = rawAfter.filter((m) => m.epoch === after.currentEpoch);
    expect(newest.length).toBe(1);
    const a3Attempt = await a3.decryptMessages(thread.id, newest);
    expect(a3Attempt[0]?.failure).toBe(CryptoFailure.UNKNOWN_EPOCH);
    expect((await a1.history(thread.id)).messages.at(-1)?.text).toBe('written after removal');
    expect((await a2.history(thread.id)).messages.at(-1)?.text).toBe('written after removal');
    await world.admin.adminAddMember(world.team.id, a3.userId);

    // Anonymous identities expire with their threads.
    const future = new Date(Date.now() + (server.config.anonIdleTtlSeconds + 60) * 1000);
    expect(await expireAnonymous(server.app.ctx, future)).toBeGreaterThanOrEqual(1);
    await expectApiError(a1.getThread(thread.id), 404);
    await expectApiError(anonymous.listMyThreads(), 401, 'AUTH_REQUIRED');
  });

  it('should assign a seeker registered through a personal link directly to that counsellor', async () => {
    const [a1, a2] = world.team.counsellors;
    const [b1] = world.solo.counsellors;
    const personalCode = a1.me.memberships[0]?.personalCode as string;
    expect((await b1.resolveLink(personalCode)).counsellorId).toBe(a1.userId);
    const seeker = await newSeeker(server, personalCode);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, text: 'via QR code' });
    expect(thread).toMatchObject({ status: 'active', counsellorId: a1.userId, agencyId: world.team.id });
    expect((await a2.listEnquiries()).map((t) => t.id)).not.toContain(thread.id);
    expect((await a1.listMyThreads()).map((t) => t.id)).toContain(thread.id);
    expect((await a1.history(thread.id)).messages[0]?.text).toBe('via QR code');
    expect((await a2.history(thread.id)).messages[0]?.text).toBe('via QR code');
    await expectApiError(b1.getThread(thread.id), 404);

    // An agency link routes to that agency's first-enquiries inbox instead.
    const viaAgency = await newSeeker(server, world.solo.linkCode);
    const enquiry = await viaAgency.createEnquiry({ topicId: world.topic.id, text: 'via agency link' });
    expect(enquiry).toMatchObject({ status: 'enquiry', counsellorId: null, agencyId: world.solo.id });
  });

  it('should delete a seeker account with every thread and message', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'delete me' });
    await seeker.deleteAccount();
    await expectApiError(b1.getThread(thread.id), 404);
    const left = await server.db.database.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('threadId', '=', thread.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.count)).toBe(0);
    await expectApiError(
      CounselClient.login({ baseUrl: server.url, username: seeker.me.username as string, password: PASSWORD }),
      401,
    );
  });

  it('should revoke a token on logout', async () => {
    const seeker = await newSeeker(server);
    const token = seeker.token as string;
    await seeker.logout();
    const response = await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(401);
  });
});
