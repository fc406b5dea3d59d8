import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createStaffAccount } from '../server/src/accounts/service.ts';
import { openDatabase, type Database } from '../server/src/db/database.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { CounselClient } from '../client-sdk/src/index.ts';

/** A uniquely named, migrated Postgres database for one benchmark run. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** A small pool for setup (staff accounts) and checks. */
  database: Database;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `counsel_bench_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let database: Database | null = null;
  const drop = async () => {
    await database?.close().catch(() => {});
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    try {
      await cleanup.query(`drop database if exists ${name} with (force)`);
    } finally {
      await cleanup.end();
    }
  };
  try {
    database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 2 });
    const outcome = await migrateToLatest(database.db);
    if (outcome.error) throw outcome.error;
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url: url.toString(), database, drop };
}

const PASSWORD = 'correct horse battery staple';
const suffix = () => Math.random().toString(36).slice(2, 8);

/** The state every benchmark needs: one claimed thread in a non-team agency. */
export interface BenchWorld {
  admin: CounselClient;
  counsellor: CounselClient;
  seeker: CounselClient;
  seekerToken: string;
  counsellorToken: string;
  threadId: string;
  epoch: number;
  topicId: string;
  agencyId: string;
}

/** Built through the SDK, as server/test/helpers/world.ts does: admin, topic, agency, counsellor, seeker, enquiry, claim. */
export async function buildBenchWorld(baseUrl: string, database: Database): Promise<BenchWorld> {
  const { activationCode } = await createStaffAccount(database.db, { role: 'admin', displayName: 'Bench admin' });
  const admin = await CounselClient.activate({
    baseUrl,
    activationCode,
    username: `benchadmin_${suffix()}`,
    password: PASSWORD,
    kdfProfile: 'minimum',
  });
  const topic = await admin.adminCreateTopic(`Bench topic ${suffix()}`);
  const agency = await admin.adminCreateAgency({
    name: 'Bench agency',
    isTeam: false,
    topicIds: [topic.id],
    postcodeRanges: [{ from: '20000', to: '29999' }],
  });
  const counsellorName = `benchcounsellor_${suffix()}`;
  const staff = await admin.adminCreateStaff({
    role: 'counsellor',
    displayName: counsellorName,
    agencyIds: [agency.id],
    isAgencyAdmin: false,
  });
  const counsellor = await CounselClient.activate({
    baseUrl,
    activationCode: staff.activationCode,
    username: counsellorName,
    password: PASSWORD,
    kdfProfile: 'minimum',
  });
  const seeker = await CounselClient.register({
    baseUrl,
    username: `benchseeker_${suffix()}`,
    password: PASSWORD,
    kdfProfile: 'minimum',
  });
  const enquiry = await seeker.createEnquiry({ topicId: topic.id, agencyId: agency.id, text: 'benchmark enquiry' });
  const claimed = await counsellor.claim(enquiry.id);
  if (!seeker.token || !counsellor.token) throw new Error('SDK clients have no token');
  return {
    admin,
    counsellor,
    seeker,
    seekerToken: seeker.token,
    counsellorToken: counsellor.token,
    threadId: claimed.id,
    epoch: claimed.currentEpoch,
    topicId: topic.id,
    agencyId: agency.id,
  };
}

/** More threads of the same seeker, each claimed by the same counsellor (same epoch as the first). */
export async function addThreads(world: BenchWorld, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const enquiry = await world.seeker.createEnquiry({ topicId: world.topicId, agencyId: world.agencyId, text: `benchmark enquiry ${i}` });
    const claimed = await world.counsellor.claim(enquiry.id);
    if (claimed.currentEpoch !== world.epoch) throw new Error(`thread ${claimed.id} is at epoch ${claimed.currentEpoch}, expected ${world.epoch}`);
    ids.push(claimed.id);
  }
  return ids;
}
