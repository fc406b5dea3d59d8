import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCache } from '../../src/accounts/actor-cache.ts';
import { startAdminChannel, type AdminChannel } from '../../src/cli/admin-channel.ts';
import { toCommandError } from '../../src/cli/commands.ts';
import { sendToServer } from '../../src/cli/admin-client.ts';
import { MemoryBus } from '../../src/realtime/memory-bus.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { testConfig } from '../helpers/server.ts';

/** Sends raw bytes and returns the answer line, as a misbehaving local client would. */
function raw(socketPath: string, payload: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let received = '';
    const connection = net.createConnection({ path: socketPath }, () => connection.write(payload));
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => (received += chunk));
    connection.on('error', reject);
    connection.on('end', () => resolve(JSON.parse(received.split('\n')[0] ?? 'null')));
  });
}

describe('admin channel (the server side of npm run admin)', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'counsel-channel-'));
  const socketPath = path.join(folder, 'admin.sock');
  let test: TestDatabase;
  let channel: AdminChannel;

  beforeAll(async () => {
    test = await createTestDatabase('pglite');
    const config = testConfig({ PUBLIC_URL: 'https://counsel.example.org/' });
    const ctx = { db: test.database.db, actors: new ActorCache(0), bus: new MemoryBus(), config, log: pino({ level: 'silent' }) };
    channel = await startAdminChannel({ socketPath, ctx, dataFolder: folder });
  });
  afterAll(async () => {
    await channel.close();
    await test.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('should listen on a socket only its owner can use', () => {
    const stat = statSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('should run commands and answer with their result or a one-line error', async () => {
    const topic = await sendToServer(socketPath, { command: 'create-topic', options: { name: 'Grief' } });
    expect(topic).toMatchObject({ ok: true, result: { name: 'Grief' } });
    expect(await sendToServer(socketPath, { command: 'create-topic', options: { name: 'Grief' } })).toMatchObject({
      ok: false,
      error: { code: 'TOPIC_NAME_TAKEN', message: expect.stringMatching(/ \(--name Grief\)$/) },
    });
    const staff = await sendToServer(socketPath, { command: 'create-admin', options: { name: 'Operator' } });
    if (!staff.ok) throw new Error(staff.error.message);
    const created = staff.result as { activationCode: string; activationUrl: string };
    expect(created.activationUrl).toBe(`https://counsel.example.org/activate/${created.activationCode}`);
  });

  it('should refuse malformed requests without running anything', async () => {
    expect(await raw(socketPath, 'not json\n')).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'request is not valid JSON' } });
    expect(await raw(socketPath, '{"command":"drop-database"}\n')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await raw(socketPath, '{"command":"create-topic","options":{"name":5}}\n')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: '--name must be a string' },
    });
    expect(await raw(socketPath, '{"command":"create-topic","options":{"sql":"x"}}\n')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: 'unknown option --sql' },
    });
    const listed = await sendToServer(socketPath, { command: 'list-topics', options: {} });
    expect(listed.ok && (listed.result as { topics: unknown[] }).topics).toHaveLength(1);
  });

  it('should turn a unique violation no service translated into one friendly line', async () => {
    const insert = () => test.database.db.insertInto('topics').values({ id: crypto.randomUUID(), name: 'Shared name' }).execute();
    await insert();
    const error = await insert().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(toCommandError(error)).toEqual({ code: 'ALREADY_EXISTS', message: 'a topics row with name "Shared name" already exists' });
    expect(toCommandError(new Error('first line\n    at somewhere (file.ts:1:1)'))).toEqual({ code: 'FAILED', message: 'first line' });
  });
});
