import type { CounselClient, Topic } from '../../../client-sdk/src/index.ts';
import { newAdmin, newCounsellor, type TestServer } from './server.ts';

/**
 * The reference world of the flow tests: a team agency with three counsellors, a non-team
 * agency with two, and the topic's virtual agency with one.
 */
export interface World {
  admin: CounselClient;
  topic: Topic;
  team: { id: string; linkCode: string; counsellors: [CounselClient, CounselClient, CounselClient] };
  solo: { id: string; linkCode: string; counsellors: [CounselClient, CounselClient] };
  virtual: { id: string; counsellor: CounselClient };
}

export async function buildWorld(server: TestServer): Promise<World> {
  const admin = await newAdmin(server);
  const topic = await admin.adminCreateTopic(`Addiction ${Math.random().toString(36).slice(2, 6)}`);
  const team = await admin.adminCreateAgency({
    name: 'Team agency North',
    isTeam: true,
    topicIds: [topic.id],
    postcodeRanges: [{ from: '10000', to: '19999' }],
  });
  const solo = await admin.adminCreateAgency({
    name: 'Agency South',
    isTeam: false,
    topicIds: [topic.id],
    postcodeRanges: [{ from: '20000', to: '29999' }],
  });
  const teamCounsellors = [
    await newCounsellor(server, admin, [team.id], undefined, true),
    await newCounsellor(server, admin, [team.id]),
    await newCounsellor(server, admin, [team.id]),
  ] as [CounselClient, CounselClient, CounselClient];
  const soloCounsellors = [
    await newCounsellor(server, admin, [solo.id]),
    await newCounsellor(server, admin, [solo.id]),
  ] as [CounselClient, CounselClient];
  const virtualCounsellor = await newCounsellor(server, admin, [topic.virtualAgencyId as string]);
  return {
    admin,
    topic,
    team: { id: team.id, linkCode: team.linkCode, counsellors: teamCounsellors },
    solo: { id: solo.id, linkCode: solo.linkCode, counsellors: soloCounsellors },
    virtual: { id: topic.virtualAgencyId as string, counsellor: virtualCounsellor },
  };
}
