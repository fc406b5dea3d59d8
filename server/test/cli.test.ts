import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../client-sdk/src/index.ts';
import { buildApp } from '../src/app.ts';
import { openDatabase } from '../src/db/database.ts';
import { PASSWORD, testConfig } from './helpers/server.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'counsel-cli-'));

function admin(...args: string[]): unknown {
  const output = execFileSync(process.execPath, ['--import', 'tsx', 'server/src/cli/admin.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(output);
}

describe('admin CLI', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should bootstrap a fresh install: first admin, topic, agency, counsellor', async () => {
    const first = admin('create-admin', '--name', 'Operator') as { activationCode: string };
    const topic = admin('create-topic', '--name', 'Family') as { id: string; virtualAgencyId: string };
    const agency = admin('create-agency', '--name', 'Family centre', '--topics', topic.id, '--team', '--postcodes', '10000-10999') as {
      id: string;
      isTeam: boolean;
    };
    expect(agency.isTeam).toBe(true);
    const counsellor = admin('create-counsellor', '--name', 'Dana', '--agencies', agency.id) as { activationCode: string };

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
});
