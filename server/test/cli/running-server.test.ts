import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { openDatabase } from '../../src/db/database.ts';
import { PASSWORD } from '../helpers/server.ts';
import {
  admin,
  adminJson,
  deadPid,
  exists,
  lockFile,
  runScript,
  socketFile,
  startServerExpectingFailure,
  startServerProcess,
  type ServerProcess,
} from './helpers.ts';

/**
 * The admin CLI against a PGlite data folder that a real server process holds: commands go
 * through the server's admin socket and take effect at once; nothing opens the folder twice.
 */

const root = mkdtempSync(path.join(tmpdir(), 'counsel-cli-server-'));
const PUBLIC_URL = 'https://counsel.example.org';

function staleLock(pid: number, owner: 'server' | 'cli') {
  return `${JSON.stringify({ pid, owner, host: hostname(), since: new Date(Date.now() - 3_600_000).toISOString(), processStart: null, token: 'stale' })}\n`;
}

/** One line on stderr, no stack trace, no raw driver dump. */
function expectOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |duplicate key value|violates/);
}

describe('admin CLI while the server runs (PGlite)', () => {
  let server: ServerProcess | null = null;
  afterAll(async () => {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('should send commands to the running server, which sees them at once; the data survives a restart', async () => {
    const dataDir = path.join(root, 'served');
    // A server killed with SIGKILL left its lock behind: the next start takes it over.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(lockFile(dataDir), staleLock(await deadPid(), 'server'));

    server = await startServerProcess(dataDir, { PUBLIC_URL });
    const lock = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as { pid: number; owner: string };
    expect(lock).toMatchObject({ pid: server.child.pid, owner: 'server' });
    expect(exists(socketFile(dataDir))).toBe(true);

    const first = await adminJson<{ userId: string; activationCode: string; activationUrl: string }>(dataDir, ['create-admin', '--name', 'Operator']);
    expect(first.stderr).toContain(`done by the running server (pid ${server.child.pid})`);
    expect(first.value.activationUrl).toBe(`${PUBLIC_URL}/activate/${first.value.activationCode}`);
    const topicId = (await admin(dataDir, ['create-topic', '--name', 'Family', '--print', 'id'])).stdout.trim();
    expect(topicId).toMatch(/^[0-9a-f-]{36}$/);
    const agency = await adminJson<{ id: string; isTeam: boolean }>(dataDir, [
      'create-agency', '--name', 'Family centre', '--topics', topicId, '--team', '--postcodes', '10000-10999',
    ]);
    const counsellor = await adminJson<{ activationCode: string; activationUrl: string }>(dataDir, [
      'create-counsellor', '--name', 'Dana', '--agencies', agency.value.id,
    ]);
    expect(counsellor.value.activationUrl).toBe(`${PUBLIC_URL}/activate/${counsellor.value.activationCode}`);
    // Forwarded commands answer in well under the time of opening the database.
    expect(Math.max(first.ms, agency.ms, counsellor.ms)).toBeLessThan(15_000);

    // The server sees every write at once.
    const topics = (await (await fetch(`${server.url}/v1/topics`)).json()) as { topics: { id: string; name: string }[] };
    expect(topics.topics.map((t) => [t.id, t.name])).toEqual([[topicId, 'Family']]);
    const operator = await CounselClient.activate({ baseUrl: server.url, activationCode: first.value.activationCode, username: 'operator', password: PASSWORD, kdfProfile: 'minimum' });
    expect(operator.me.role).toBe('admin');
    const dana = await CounselClient.activate({ baseUrl: server.url, activationCode: counsellor.value.activationCode, username: 'dana', password: PASSWORD, kdfProfile: 'minimum' });
    expect(dana.me.memberships.map((m) => m.agencyId)).toEqual([agency.value.id]);
    expect((await dana.findAgencies(topicId, '10500')).map((a) => a.id)).toEqual([agency.value.id]);

    // Errors come back from the server as one friendly line, exit code 1.
    const duplicate = await admin(dataDir, ['create-topic', '--name', 'Family']);
    expect(duplicate.code).toBe(1);
    expectOneLineError(duplicate.stderr, /^admin: TOPIC_NAME_TAKEN: .* \(--name Family\)$/);
    const unknownAgency = await admin(dataDir, ['add-postcodes', '--agency', '00000000-0000-4000-8000-000000000000', '--postcodes', '20000-20999']);
    expect(unknownAgency.code).toBe(1);
    expectOneLineError(unknownAgency.stderr, /^admin: AGENCY_NOT_FOUND: Agency not found \(--agency 00000000-0000-4000-8000-000000000000\)$/);

    // (c) A second server on the same folder refuses to start and leaves the first one alone.
    const second = await startServerExpectingFailure(dataDir);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`the server (pid ${server.child.pid}`);
    expect(second.output).toContain(`is using DATA_DIR ${dataDir}`);
    expect((await fetch(`${server.url}/v1/topics`)).status).toBe(200);
    // And migrate does not open the folder either.
    const migrate = await runScript('server/src/cli/migrate.ts', [], { DATA_DIR: dataDir });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain(`the server (pid ${server.child.pid}) is using DATA_DIR`);

    // A clean stop releases the folder.
    expect(await server.stop()).toBe(0);
    server = null;
    expect(exists(lockFile(dataDir))).toBe(false);
    expect(exists(socketFile(dataDir))).toBe(false);

    // Reopened by the CLI — over a stale lock a killed command left behind, which it takes over:
    // the same topic again is the friendly duplicate error, and every write is there.
    writeFileSync(lockFile(dataDir), staleLock(await deadPid(), 'cli'));
    const again = await admin(dataDir, ['create-topic', '--name', 'Family']);
    expect(again.code).toBe(1);
    expectOneLineError(again.stderr, /^admin: TOPIC_NAME_TAKEN: .* \(--name Family\)$/);
    expect(exists(lockFile(dataDir))).toBe(false);
    const database = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const topicRows = await sql<{ id: string; name: string }>`select id, name from topics`.execute(database.db);
      expect(topicRows.rows).toEqual([{ id: topicId, name: 'Family' }]);
      const users = await sql<{ username: string | null; role: string }>`select username, role from users order by username`.execute(database.db);
      expect(users.rows).toEqual([
        { username: 'dana', role: 'counsellor' },
        { username: 'operator', role: 'admin' },
      ]);
      const agencies = await sql<{ name: string }>`select name from agencies order by name`.execute(database.db);
      expect(agencies.rows.map((row) => row.name)).toEqual(['Family (online)', 'Family centre']);
    } finally {
      await database.close();
    }
  }, 240_000);

  it('should refuse, without opening the folder, when the server holding it does not answer', async () => {
    const dataDir = path.join(root, 'unanswered');
    mkdirSync(dataDir, { recursive: true });
    // A live process (this test) holds the folder as "server" but has no admin socket.
    writeFileSync(lockFile(dataDir), staleLock(process.pid, 'server'));
    const result = await admin(dataDir, ['create-topic', '--name', 'Lonely']);
    expect(result.code).toBe(1);
    expectOneLineError(result.stderr, new RegExp(`^admin: the server \\(pid ${process.pid}\\) is using DATA_DIR ${dataDir}.*does not answer`));
    expect(readdirSync(dataDir)).toEqual(['counsel.lock']); // PGlite never touched it
  });
});
