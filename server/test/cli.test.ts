import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../client-sdk/src/index.ts';
import { buildApp } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { admin as runAdmin } from './cli/helpers.ts';
import { createTestDatabase } from './helpers/database.ts';
import { PASSWORD, testConfig } from './helpers/server.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'counsel-cli-'));
const env = { PUBLIC_URL: 'https://counsel.example.org' };

// Child processes run asynchronously: a blocked test worker would miss vitest's heartbeats.
async function admin(...args: string[]): Promise<unknown> {
  const result = await runAdmin(dataDir, args, env);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** A command that must fail: its exit code and its stderr (which must be a single line). */
async function failing(...args: string[]): Promise<{ status: number | null; line: string }> {
  const result = await runAdmin(dataDir, args, env);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  return { status: result.code, line: lines[0] ?? '' };
}

describe('admin CLI', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  let topicId = '';

  it('should bootstrap a fresh install: first admin, topic, agency, counsellor', async () => {
    const first = (await admin('create-admin', '--name', 'Operator')) as { activationCode: string; activationUrl: string };
    expect(first.activationUrl).toBe(`https://counsel.example.org/activate/${first.activationCode}`);
    const topic = (await admin('create-topic', '--name', 'Family')) as { id: string; virtualAgencyId: string };
    topicId = topic.id;
    const agency = (await admin('create-agency', '--name', 'Family centre', '--topics', topic.id, '--team', '--postcodes', '10000-10999')) as {
      id: string;
      isTeam: boolean;
    };
    expect(agency.isTeam).toBe(true);
    const counsellor = (await admin('create-counsellor', '--name', 'Dana', '--agencies', agency.id)) as { activationCode: string };

    // The same data folder, served: the activation codes work through the SDK.
    const database = await openDatabase({ databaseUrl: null, dataDir });
    const app = await buildApp({ config: testConfig(), database, anonymousSweepMs: 0 });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const operator = await CounselClient.activate({ baseUrl: url, activationCode: first.activationCode, username: 'operator', password: PASSWORD, kdfProfile: 'minimum' });
      expect(operator.me.role).toBe('admin');
      const dana = await CounselClient.activate({ baseUrl: url, activationCode: counsellor.activationCode, username: 'dana', password: PASSWORD, kdfProfile: 'minimum' });
      expect(dana.me.memberships.map((m) => m.agencyId)).toEqual([agency.id]);
      expect((await dana.findAgencies(topic.id, '10500')).map((a) => a.id)).toEqual([agency.id]);
      expect((await dana.findAgencies(topic.id, '50000')).map((a) => a.id)).toEqual([topic.virtualAgencyId]);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('should answer a mistake with one clear line and exit code 1', async () => {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    // Checked before the database is opened (so these run side by side).
    const [noName, reversed, malformed, placeholder, unknownCommand, misspelt] = await Promise.all([
      failing('create-topic'),
      failing('create-agency', '--name', 'X', '--topics', topicId, '--postcodes', '10999-10000'),
      failing('create-agency', '--name', 'X', '--topics', topicId, '--postcodes', '1234'),
      failing('create-agency', '--name', 'X', '--topics', '<topicId>'),
      failing('frobnicate'),
      failing('create-topic', '--nam', 'X'),
    ]);
    expect(noName).toEqual({ status: 1, line: 'admin: VALIDATION_FAILED: --name is required' });
    expect(reversed).toEqual({ status: 1, line: 'admin: VALIDATION_FAILED: --postcodes: range "10999-10000" starts after its end' });
    expect(malformed).toEqual({ status: 1, line: 'admin: VALIDATION_FAILED: --postcodes: bad postcode range "1234" (expected 12345-12399 or 12345)' });
    expect(placeholder.line).toMatch(/^admin: VALIDATION_FAILED: --topics: "<topicId>" is not an id/);
    expect(unknownCommand.line).toMatch(/^admin: unknown command "frobnicate"/);
    expect(misspelt.line).toMatch(/^admin: Unknown option '--nam'/);
    // Found out by the database: the service's error, or a unique violation, never a raw one.
    const duplicate = await failing('create-topic', '--name', 'Family');
    expect(duplicate.status).toBe(1);
    expect(duplicate.line).toMatch(/^admin: TOPIC_NAME_TAKEN: .+ \(--name Family\)$/);
    expect(await failing('create-agency', '--name', 'X', '--topics', unknownId)).toEqual({
      status: 1,
      line: `admin: TOPIC_NOT_FOUND: Topic not found (--topics ${unknownId})`,
    });
    expect(await failing('create-counsellor', '--name', 'Y', '--agencies', unknownId)).toEqual({
      status: 1,
      line: `admin: AGENCY_NOT_FOUND: Agency not found (--agencies ${unknownId})`,
    });
  });

  it.runIf(process.env.DATABASE_URL)('should write to Postgres directly, with the same friendly errors', async () => {
    const test = await createTestDatabase('postgres');
    try {
      const url = test.url as string;
      const created = await runAdmin(dataDir, ['create-topic', '--name', 'Debt', '--print', 'id'], { DATABASE_URL: url });
      expect(created.code, created.stderr).toBe(0);
      const again = await runAdmin(dataDir, ['create-topic', '--name', 'Debt'], { DATABASE_URL: url });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^admin: TOPIC_NAME_TAKEN: .+ \(--name Debt\)\n$/);
      const listed = await test.database.db.selectFrom('topics').select(['id', 'name']).execute();
      expect(listed).toEqual([{ id: created.stdout.trim(), name: 'Debt' }]);
    } finally {
      await test.drop();
    }
  });
});
