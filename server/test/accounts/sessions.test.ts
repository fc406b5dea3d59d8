import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { PASSWORD, newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** The same account signed in on three devices. */
async function threeDevices(server: TestServer): Promise<[CounselClient, CounselClient, CounselClient]> {
  const first = await newSeeker(server);
  const login = () => CounselClient.login({ baseUrl: server.url, username: first.me.username as string, password: PASSWORD });
  return [first, await login(), await login()];
}

describe.each(databaseTargets())('session tokens on %s', (target) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(target);
  });
  afterAll(async () => server?.close());

  it('should list the account’s sessions with the asking one marked, and nothing that logs in', async () => {
    const [phone, laptop, tablet] = await threeDevices(server);
    const sessions = await laptop.listSessions();
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(sessions.map((session) => session.current)).toEqual([false, true, false]);
    for (const session of sessions) {
      expect(session.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.parse(session.createdAt));
    }
    // Neither a token nor the hash the database keeps appears in the list.
    const listed = JSON.stringify(sessions);
    for (const client of [phone, laptop, tablet]) {
      const token = client.token as string;
      expect(listed).not.toContain(token);
      expect(listed).not.toContain(createHash('sha256').update(token).digest('hex'));
      expect(listed).not.toContain(createHash('sha256').update(token).digest('base64url'));
    }
    // Another account sees only its own.
    expect(await (await newSeeker(server)).listSessions()).toHaveLength(1);
  });

  it('should end a revoked session at once: its requests and its WebSocket are refused', async () => {
    const [phone, laptop, tablet] = await threeDevices(server);
    // The tablet's token is in the server's token cache now; revocation must evict it.
    await tablet.refreshMe();
    const socket = await rawSocket(server.url, tablet.token as string);
    const closed = new Promise<number>((resolve) => socket.socket.once('close', (code) => resolve(code)));
    const tabletId = (await tablet.listSessions()).find((session) => session.current)?.id as string;

    await phone.revokeSession(tabletId);

    await expectApiError(tablet.refreshMe(), 401, 'AUTH_REQUIRED');
    expect(await closed).toBe(4401);
    expect(socket.frames).toContainEqual(expect.objectContaining({ type: 'error', code: 'AUTH_REQUIRED' }));
    expect((await laptop.listSessions()).map((session) => session.id)).not.toContain(tabletId);
    await laptop.refreshMe();
    await expectApiError(phone.revokeSession(tabletId), 404, 'SESSION_NOT_FOUND');
  });

  it('should not let anyone revoke another account’s session', async () => {
    const [victim] = await threeDevices(server);
    const attacker = await newSeeker(server);
    const victimIds = (await victim.listSessions()).map((session) => session.id);
    for (const id of victimIds) await expectApiError(attacker.revokeSession(id), 404, 'SESSION_NOT_FOUND');
    await expectApiError(attacker.revokeSession('A'.repeat(22)), 404, 'SESSION_NOT_FOUND');
    expect((await victim.listSessions()).map((session) => session.id)).toEqual(victimIds);
  });

  it('should revoke every other session and keep the one that asks', async () => {
    const [phone, laptop, tablet] = await threeDevices(server);
    expect(await phone.revokeOtherSessions()).toBe(2);
    await expectApiError(laptop.refreshMe(), 401, 'AUTH_REQUIRED');
    await expectApiError(tablet.refreshMe(), 401, 'AUTH_REQUIRED');
    const left = await phone.listSessions();
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
    expect(await phone.revokeOtherSessions()).toBe(0);
  });

  it('should treat revoking the current session as a logout', async () => {
    const [phone, laptop] = await threeDevices(server);
    const own = (await phone.listSessions()).find((session) => session.current)?.id as string;
    await phone.revokeSession(own);
    await expectApiError(phone.refreshMe(), 401, 'AUTH_REQUIRED');
    expect(await laptop.listSessions()).toHaveLength(2);
  });
});
