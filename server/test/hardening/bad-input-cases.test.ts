import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounselClient } from '../../../client-sdk/src/index.ts';
import { databaseTargets } from '../helpers/database.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** The inputs that gave 5xx (issue 8, defect 3): each must be a 4xx with a catalogue code, or a success. */
describe.each(databaseTargets())('bad input that reached the database (%s)', (target) => {
  let server: TestServer;
  let admin: CounselClient;
  let counsellor: CounselClient;
  let seeker: CounselClient;
  let topicId: string;
  let threadId: string;

  beforeAll(async () => {
    server = await startServer(target);
    admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic('Bad input cases');
    topicId = topic.id;
    counsellor = await newCounsellor(server, admin, [topic.virtualAgencyId as string]);
    seeker = await newSeeker(server);
    threadId = (await seeker.createEnquiry({ topicId, agencyId: topic.virtualAgencyId as string, text: 'hello' })).id;
  });
  afterAll(async () => server?.close());

  async function call(client: CounselClient, method: string, path: string, body?: unknown) {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${client.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as { code?: string } };
  }

  function expectClientError(result: { status: number; body: { code?: string } }) {
    expect(result.status, JSON.stringify(result.body)).toBe(400);
    expect(result.body.code).toBe('VALIDATION_FAILED');
  }

  it('should refuse a NUL character in every text field with 400 VALIDATION_FAILED', async () => {
    const nul = 'a\u0000b';
    expectClientError(await call(counsellor, 'PUT', '/v1/me/absence', { message: nul }));
    expectClientError(await call(admin, 'POST', '/v1/admin/topics', { name: nul }));
    expectClientError(await call(admin, 'POST', '/v1/admin/topics', { name: 'Ok topic', virtualAgencyName: nul }));
    expectClientError(await call(admin, 'POST', '/v1/admin/agencies', { name: nul, isTeam: false, topicIds: [topicId], postcodeRanges: [] }));
    expectClientError(await call(admin, 'POST', '/v1/admin/staff', { role: 'counsellor', displayName: nul, agencyIds: [] }));
    expectClientError(await call(admin, 'POST', '/v1/admin/staff', { role: 'counsellor', displayName: 'Ok', email: `a${nul}@x.org`, agencyIds: [] }));
  });

  it('should refuse numbers beyond their bounds in queries', async () => {
    expectClientError(await call(seeker, 'GET', '/v1/notifications?limit=1e400'));
    expectClientError(await call(seeker, 'GET', `/v1/threads/${threadId}/messages?afterSeq=1e20`));
    expectClientError(await call(seeker, 'GET', `/v1/threads/${threadId}/messages?beforeSeq=1e20`));
    expectClientError(await call(counsellor, 'GET', '/v1/threads?view=enquiries&limit=1e400'));
  });

  it('should answer an absence until a leap second (or another edge of date-time) without a 5xx', async () => {
    const edges = ['2030-12-31T23:59:60Z', '2030-01-01T10:00:00+01', '0000-01-01T00:00:00+01:00', '9999-12-31T23:59:59-23:59', '2030-01-01T10:00:00Z'];
    for (const until of edges) {
      const result = await call(counsellor, 'PUT', '/v1/me/absence', { message: 'away', until });
      expect(result.status, `${until}: ${JSON.stringify(result.body)}`).toBeLessThan(500);
      if (result.status >= 400) expect(result.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('should refuse a WebSocket sync with afterSeq at 2^63 as an invalid frame', async () => {
    const { frames, socket } = await rawSocket(server.url, seeker.token as string);
    try {
      socket.send(`{"type":"sync","threadId":"${threadId}","afterSeq":9223372036854775808}`);
      socket.send(`{"type":"sync","threadId":"${threadId}","afterSeq":1e20}`);
      await waitFor(() => frames.filter((frame) => frame.type === 'error').length === 2, 'two error frames');
      expect(frames.filter((frame) => frame.type === 'error').map((frame) => frame.code)).toEqual(['WS_FRAME_INVALID', 'WS_FRAME_INVALID']);
    } finally {
      socket.close();
    }
  });

  it('should log no error for any of these', () => {
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
