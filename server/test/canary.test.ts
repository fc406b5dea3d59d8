import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../client-sdk/src/index.ts';
import { databaseTargets } from './helpers/database.ts';
import { dumpDatabase, encodings } from './helpers/leaks.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from './helpers/server.ts';
import { buildWorld } from './helpers/world.ts';

const CANARY = 'The canary sings: purple elephants dance at midnight 7319';

describe.each(databaseTargets())('canary on %s', (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(target);
  });
  afterAll(async () => server?.close());

  it('should find a canary sent through every flow nowhere in the database dump or the server log', async () => {
    const world = await buildWorld(server);
    const [a1, a2] = world.team.counsellors;
    const [b1] = world.solo.counsellors;

    // Enquiry + claim + follow-ups (non-team), registered seeker.
    const registered = await newSeeker(server);
    const soloThread = await registered.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: `${CANARY} enquiry` });
    await b1.claim(soloThread.id);
    await registered.sendMessage(soloThread.id, `${CANARY} follow-up`);
    await b1.sendMessage(soloThread.id, `${CANARY} answer`);
    await b1.closeThread(soloThread.id);
    await registered.sendMessage(soloThread.id, `${CANARY} reopening`);

    // Anonymous seeker in the team agency, team view writes, removal and re-key, re-share.
    const anonymous = await CounselClient.startAnonymous({ baseUrl: server.url });
    const teamThread = await anonymous.createEnquiry({ topicId: world.topic.id, agencyId: world.team.id, text: `${CANARY} anonymous` });
    await a1.claim(teamThread.id);
    await a2.sendMessage(teamThread.id, `${CANARY} team cover`);
    await world.admin.adminRemoveMember(world.team.id, a2.userId);
    await anonymous.sendMessage(teamThread.id, `${CANARY} after removal`);
    await world.admin.adminAddMember(world.team.id, a2.userId);
    await a1.shareHistory(teamThread.id);

    // Personal link, virtual agency, and a login from a second client.
    const linked = await newSeeker(server, a1.me.memberships[0]?.personalCode);
    const linkedThread = await linked.createEnquiry({ topicId: world.topic.id, text: `${CANARY} personal link` });
    await a1.sendMessage(linkedThread.id, `${CANARY} direct answer`);
    const virtualSeeker = await newSeeker(server);
    await virtualSeeker.createEnquiry({ topicId: world.topic.id, agencyId: world.virtual.id, text: `${CANARY} white spot` });
    const again = await CounselClient.login({ baseUrl: server.url, username: registered.me.username as string, password: PASSWORD });
    const read = await again.history(soloThread.id);
    expect(read.messages.filter((m) => m.text?.startsWith(CANARY))).toHaveLength(4);

    const dump = await dumpDatabase(server);
    expect(dump.length).toBeGreaterThan(1000);
    const log = server.logs.join('');
    expect(log.length).toBeGreaterThan(1000);
    for (const needle of encodings(CANARY)) {
      expect(dump.includes(needle), `database dump contains ${needle}`).toBe(false);
      expect(log.includes(needle), `server log contains ${needle}`).toBe(false);
    }
    // Tokens and the seekers' address never reach the log either.
    expect(log.includes(registered.token as string)).toBe(false);
    // Every request line is checked for the client address (the listen line names the server's own).
    const requestLines = log.split('\n').filter((line) => line.includes('"reqId"'));
    expect(requestLines.length).toBeGreaterThan(50);
    expect(requestLines.find((line) => line.includes('127.0.0.1'))).toBeUndefined();
  });
});
