import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../client-sdk/src/index.ts';
import { databaseTargets } from './helpers/database.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from './helpers/server.ts';
import { buildWorld } from './helpers/world.ts';

const CANARY = 'The canary sings: purple elephants dance at midnight 7319';

/** Every way the canary could appear in a dump or log: as text, hex (bytea) or base64. */
function encodings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  // Also a fragment, in case a value is cut or wrapped.
  const fragment = Buffer.from(text.slice(4, 30), 'utf8');
  return [
    text,
    fragment.toString('utf8'),
    bytes.toString('hex'),
    fragment.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    fragment.toString('base64').slice(0, 24),
  ];
}

/** The whole database as text: pg_dump on Postgres, every row of every table on PGlite. */
async function dumpDatabase(server: TestServer): Promise<string> {
  if (server.db.url) {
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--inserts', server.db.url], {
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }
  const db = server.db.database.db;
  const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(db);
  let dump = '';
  for (const { tablename } of tables.rows) {
    const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(tablename)} t`.execute(db);
    dump += rows.rows.map((r) => r.row).join('\n');
  }
  return dump;
}

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
