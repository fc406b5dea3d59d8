import { Writable } from 'node:stream';
import { buildApp, type AppInstance } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { loggerOptions } from '../../src/logger.ts';
import { createStaffAccount } from '../../src/accounts/service.ts';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { SfuServer, loadSfuConfig, videoAvailability } from '../../../sfu/src/index.ts';
import { createTestDatabase, type DatabaseTarget, type TestDatabase } from './database.ts';

export interface TestServer {
  url: string;
  /** The SFU, when started with `video: true`. */
  sfu: SfuServer | null;
  app: AppInstance;
  db: TestDatabase;
  config: Config;
  /** Everything the server logged, for leak checks. */
  logs: string[];
  close(): Promise<void>;
}

/** Config as in production, with limits opened up so that suites can create many users. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ RATE_LIMIT_AUTH_MAX: '100000', LOG_LEVEL: 'debug', ...overrides });
}

/** A real server on a random port, over a fresh database, logging at debug level into memory. */
export async function startServer(
  target: DatabaseTarget,
  options: { env?: Record<string, string>; database?: TestDatabase; heartbeatMs?: number; video?: boolean } = {},
): Promise<TestServer> {
  const db = options.database ?? (await createTestDatabase(target));
  const config = testConfig(options.env);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = { ...(loggerOptions(config) as object), stream };
  const sfu = options.video ? await startTestSfu() : null;
  const app = await buildApp({
    sfu,
    config,
    database: db.database,
    logger,
    anonymousSweepMs: 0,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address,
    sfu,
    app,
    db,
    config,
    logs,
    close: async () => {
      await app.close();
      sfu?.close();
      if (!options.database) await db.drop();
    },
  };
}

/** A real SFU on free ports of the loopback interface (one worker keeps tests light). */
export async function startTestSfu(numWorkers = 1): Promise<SfuServer> {
  if (!videoAvailability().available) throw new Error(`video unavailable: ${videoAvailability().reason}`);
  const port = 42_000 + Math.floor(Math.random() * 8000) * 2;
  return SfuServer.create({ ...loadSfuConfig({}), numWorkers, listenIp: '127.0.0.1', announcedIp: null, port });
}

let counter = 0;
/** A unique username for this run. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 8)}`;
}

export const PASSWORD = 'correct horse battery staple';

/** An activated admin, bootstrapped the way the CLI does it: an activation code, then the SDK. */
export async function newAdmin(server: TestServer): Promise<CounselClient> {
  const { activationCode } = await createStaffAccount(server.db.database.db, { role: 'admin', displayName: 'Admin' });
  return CounselClient.activate({
    baseUrl: server.url,
    activationCode,
    username: uniqueName('admin'),
    password: PASSWORD,
    kdfProfile: 'minimum',
  });
}

/** A counsellor created by the admin and activated through the SDK. */
export async function newCounsellor(
  server: TestServer,
  admin: CounselClient,
  agencyIds: string[],
  name = uniqueName('counsellor'),
  isAgencyAdmin = false,
): Promise<CounselClient> {
  const created = await admin.adminCreateStaff({ role: 'counsellor', displayName: name, agencyIds, isAgencyAdmin });
  return CounselClient.activate({
    baseUrl: server.url,
    activationCode: created.activationCode,
    username: name,
    password: PASSWORD,
    kdfProfile: 'minimum',
  });
}

export function newSeeker(server: TestServer, linkCode?: string): Promise<CounselClient> {
  return CounselClient.register({
    baseUrl: server.url,
    username: uniqueName('seeker'),
    password: PASSWORD,
    kdfProfile: 'minimum',
    ...(linkCode ? { linkCode } : {}),
  });
}
