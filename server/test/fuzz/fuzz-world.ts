import type { CounselClient } from '../../../client-sdk/src/index.ts';
import { newAdmin, newCounsellor, newSeeker, type TestServer } from '../helpers/server.ts';
import type { Vocabulary } from './schema-arbitrary.ts';

export type Role = 'anonymous' | 'seeker' | 'counsellor' | 'admin';
export const ROLES: Role[] = ['anonymous', 'seeker', 'counsellor', 'admin'];

/**
 * What the fuzzers act on: one signed-in client per role, and the ids and codes of real rows so
 * that generated requests also get past the "not found" checks. Fuzzed requests may log a role
 * out or delete it (logout, session revocation, account deletion); `heal` replaces it then.
 */
export class FuzzWorld {
  readonly vocabulary: Vocabulary = { uuids: [], byName: {} };
  readonly #server: TestServer;
  readonly #clients = new Map<Exclude<Role, 'anonymous'>, CounselClient>();
  #agencyIds: string[] = [];
  #topicId = '';

  private constructor(server: TestServer) {
    this.#server = server;
  }

  static async create(server: TestServer): Promise<FuzzWorld> {
    const world = new FuzzWorld(server);
    const admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic(`Fuzz ${Math.random().toString(36).slice(2, 8)}`);
    const agency = await admin.adminCreateAgency({ name: 'Fuzz team', isTeam: true, topicIds: [topic.id], postcodeRanges: [{ from: '10000', to: '19999' }] });
    world.#topicId = topic.id;
    world.#agencyIds = [agency.id, topic.virtualAgencyId as string];
    world.#clients.set('admin', admin);
    world.#remember([topic.id, ...world.#agencyIds, admin.me.id], { code: [agency.linkCode], postcode: ['10000', '12345'] });
    await world.#newCounsellor();
    await world.#newSeeker();
    return world;
  }

  token(role: Role): string | null {
    return role === 'anonymous' ? null : (this.#clients.get(role)?.token ?? null);
  }

  /** Replaces a role whose token no longer works (the fuzzer logged it out or deleted it). */
  async heal(role: Role): Promise<void> {
    if (role === 'anonymous') return;
    if (role === 'admin') {
      const admin = await newAdmin(this.#server);
      this.#clients.set('admin', admin);
      this.#remember([admin.me.id], {});
    } else if (role === 'counsellor') await this.#newCounsellor();
    else await this.#newSeeker();
  }

  async #newCounsellor(): Promise<void> {
    const admin = this.#clients.get('admin') as CounselClient;
    const counsellor = await newCounsellor(this.#server, admin, this.#agencyIds).catch(async () => {
      // The fuzzer may have removed the admin's rights meanwhile: start over with a fresh admin.
      await this.heal('admin');
      return newCounsellor(this.#server, this.#clients.get('admin') as CounselClient, this.#agencyIds);
    });
    this.#clients.set('counsellor', counsellor);
    const codes = counsellor.me.memberships.flatMap((membership) => [membership.personalCode, membership.agencyLinkCode]);
    this.#remember([counsellor.me.id], { code: codes });
  }

  async #newSeeker(): Promise<void> {
    const seeker = await newSeeker(this.#server);
    this.#clients.set('seeker', seeker);
    const ids = [seeker.me.id];
    // A thread with history in each agency: one the counsellor claims and answers, one left as an enquiry.
    const counsellor = this.#clients.get('counsellor');
    for (const agencyId of this.#agencyIds) {
      const thread = await seeker.createEnquiry({ topicId: this.#topicId, agencyId, text: 'fuzz' }).catch(() => null);
      if (!thread) continue;
      ids.push(thread.id);
      if (counsellor && agencyId === this.#agencyIds[0]) {
        await counsellor.claim(thread.id).catch(() => {});
        await counsellor.sendMessage(thread.id, 'answer').catch(() => {});
      }
    }
    const notifications = await counsellor?.listNotifications().catch(() => []);
    this.#remember([...ids, ...(notifications ?? []).map((notification) => notification.id)], {});
  }

  #remember(uuids: string[], byName: Record<string, string[]>): void {
    this.vocabulary.uuids.push(...uuids);
    for (const [name, values] of Object.entries(byName)) (this.vocabulary.byName[name] ??= []).push(...values);
  }
}
