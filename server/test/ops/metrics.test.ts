import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { videoAvailability } from '../../../sfu/src/index.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { rawSocket, waitFor } from '../helpers/realtime.ts';
import { PASSWORD, newAdmin, newSeeker, startServer, uniqueName, type TestServer } from '../helpers/server.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

async function scrape(server: TestServer, token: string | null = TOKEN): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${server.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one sample in the Prometheus text format, or null; `labels` must all match. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return null;
}

/** A topic, an agency and a counsellor with an e-mail address (so enquiries queue e-mails). */
async function smallWorld(server: TestServer) {
  const admin = await newAdmin(server);
  const topic = await admin.adminCreateTopic(uniqueName('Topic '));
  const agency = await admin.adminCreateAgency({ name: 'Agency', isTeam: false, topicIds: [topic.id], postcodeRanges: [{ from: '10000', to: '10999' }] });
  const created = await admin.adminCreateStaff({ role: 'counsellor', displayName: 'Dana', email: 'dana@example.org', agencyIds: [agency.id] });
  const counsellor = await CounselClient.activate({
    baseUrl: server.url, activationCode: created.activationCode, username: uniqueName('dana'), password: PASSWORD, kdfProfile: 'minimum',
  });
  return { topic, agency, counsellor };
}

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => server?.close());

  it('should refuse a scrape without the token or with a wrong one', async () => {
    for (const token of [null, 'wrong-token-wrong-token-wrong', `${TOKEN}x`]) {
      const answer = await scrape(server, token);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'AUTH_REQUIRED', statusCode: 401 });
    }
    const answer = await scrape(server);
    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/plain');
    expect(answer.text).toContain('# TYPE counsel_http_request_duration_seconds histogram');
    // Process figures: CPU, memory, event-loop lag.
    expect(sample(answer.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(answer.text, 'nodejs_eventloop_lag_seconds')).not.toBeNull();
  });

  it('should count requests per route template, never per raw path', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/v1/topics`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/links/SecretLinkCode1234`)).status).toBe(404);
    await fetch(`${server.url}/no/such/SecretPathCode5678.js`);
    const { text } = await scrape(server);
    expect(sample(text, 'counsel_http_request_duration_seconds_count', { method: 'GET', route: '/v1/topics', status_code: '200' })).toBe(3);
    expect(sample(text, 'counsel_http_request_duration_seconds_count', { route: '/v1/links/:code', status_code: '404' })).toBe(1);
    expect(sample(text, 'counsel_http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'counsel_http_request_duration_seconds_bucket', { route: '/v1/topics', le: '+Inf' })).toBe(3);
    expect(text).not.toContain('SecretLinkCode1234');
    expect(text).not.toContain('SecretPathCode5678');
  });

  it('should report WebSocket connections, bus publishes and their delivery, and the e-mail outbox', async () => {
    const { topic, agency, counsellor } = await smallWorld(server);
    const before = await scrape(server);
    expect(sample(before.text, 'counsel_websocket_connections')).toBe(0);

    const socket = await rawSocket(server.url, counsellor.token as string);
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: topic.id, agencyId: agency.id, text: 'hello' });
    await seeker.sendMessage(thread.id, 'second');
    await waitFor(() => socket.frames.some((frame) => frame.type === 'enquiry.new'), 'enquiry.new');

    const { text } = await scrape(server);
    expect(sample(text, 'counsel_websocket_connections')).toBe(1);
    expect(sample(text, 'counsel_bus_events_published_total', { type: 'thread.created', outcome: 'ok' })).toBe(1);
    // The enquiry's first message and the follow-up.
    expect(sample(text, 'counsel_bus_events_published_total', { type: 'message.created', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'counsel_bus_publish_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'counsel_bus_delivery_lag_seconds_count', { type: 'thread.created' })).toBe(1);
    // The new enquiry notified the counsellor, who has an e-mail address; without SMTP it waits.
    expect(sample(text, 'counsel_mail_outbox_pending')).toBe(1);
    // No SFU and no Postgres pool on this instance: their series are absent, not zero.
    expect(sample(text, 'counsel_sfu_workers')).toBeNull();
    expect(sample(text, 'counsel_db_pool_connections', { state: 'total' })).toBeNull();

    socket.socket.close();
    await waitFor(() => server.app.websocketServer.clients.size === 0, 'socket closed');
    expect(sample((await scrape(server)).text, 'counsel_websocket_connections')).toBe(0);
  });

  it('should refuse a short METRICS_TOKEN at start without echoing it', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('should not exist without METRICS_TOKEN', async () => {
    const plain = await startServer(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    try {
      const answer = await scrape(plain);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'NOT_FOUND', statusCode: 404 });
    } finally {
      await plain.close();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL || !process.env.REDIS_URL)('metrics of two instances on Postgres and Redis', () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { METRICS_TOKEN: TOKEN, REDIS_URL: process.env.REDIS_URL as string };
    a = await startServer('postgres', { database, env });
    b = await startServer('postgres', { database, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('should report the database pool and the delivery lag of events published elsewhere', async () => {
    const { topic, agency } = await smallWorld(a);
    const seeker = await newSeeker(a);
    const thread = await seeker.createEnquiry({ topicId: topic.id, agencyId: agency.id, text: 'hello' });
    for (let i = 0; i < 3; i++) await seeker.sendMessage(thread.id, `message ${i}`);

    const onA = (await scrape(a)).text;
    expect(sample(onA, 'counsel_db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(sample(onA, 'counsel_db_pool_connections', { state: 'idle' })).not.toBeNull();
    expect(sample(onA, 'counsel_db_pool_connections', { state: 'waiting' })).toBe(0);
    // The enquiry's first message and three more.
    expect(sample(onA, 'counsel_bus_events_published_total', { type: 'message.created', outcome: 'ok' })).toBe(4);

    // B published nothing; it received A's events through Redis and measured how late they came.
    let onB = '';
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      onB = (await scrape(b)).text;
      if (sample(onB, 'counsel_bus_delivery_lag_seconds_count', { type: 'message.created' }) === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sample(onB, 'counsel_bus_events_published_total', { type: 'message.created', outcome: 'ok' })).toBeNull();
    expect(sample(onB, 'counsel_bus_delivery_lag_seconds_count', { type: 'message.created' })).toBe(4);
    expect(sample(onB, 'counsel_bus_delivery_lag_seconds_sum', { type: 'message.created' })).toBeGreaterThan(0);
  });
});

const requireVideo = process.env.REQUIRE_VIDEO === '1';
describe.skipIf(!videoAvailability().available && !requireVideo)('SFU metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { video: true, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => server?.close());

  it('should report workers, rooms and consumers', async () => {
    const { text } = await scrape(server);
    expect(sample(text, 'counsel_sfu_workers')).toBe(1);
    expect(sample(text, 'counsel_sfu_rooms')).toBe(0);
    expect(sample(text, 'counsel_sfu_consumers')).toBe(0);
    expect(sample(text, 'counsel_sfu_worker_deaths_total')).toBe(0);
    await server.sfu?.getOrCreateRoom('metrics-room');
    expect(sample((await scrape(server)).text, 'counsel_sfu_rooms')).toBe(1);
  });
});
