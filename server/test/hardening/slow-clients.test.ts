import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { rawHttp } from '../helpers/raw-http.ts';
import { rawSocket } from '../helpers/realtime.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/**
 * Issue 8, defect 9: a client that sends its body (or headers) a byte at a time held its
 * connection for minutes. With short limits here, it must be answered 408 (or closed) soon after.
 */
const LIMITS = { HTTP_REQUEST_TIMEOUT_MS: '2000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1000', HTTP_IDLE_TIMEOUT_MS: '1500' };
/** The limit, plus Node's check interval (1 s), plus room for a loaded machine. */
const WITHIN_MS = 8_000;

describe('slow clients', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('pglite', { env: LIMITS });
  });
  afterAll(async () => server?.close());

  function expectTimedOut(exchange: Awaited<ReturnType<typeof rawHttp>>): void {
    expect(exchange.ending, JSON.stringify(exchange)).not.toBe('open');
    expect(exchange.ms).toBeLessThan(WITHIN_MS);
    if (exchange.status !== null) {
      expect(exchange.status).toBe(408);
      expect(JSON.parse(exchange.body)).toEqual({ code: 'REQUEST_TIMEOUT', message: expect.any(String), statusCode: 408 });
    }
  }

  it('should answer a body that trickles in with 408 REQUEST_TIMEOUT within the bound', async () => {
    const head = 'POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const exchange = await rawHttp(server.url, [head, ...Array.from({ length: 60 }, () => ' ')], { intervalMs: 500, giveUpMs: 30_000 });
    expect(exchange.status).toBe(408);
    expectTimedOut(exchange);
  });

  it('should answer headers that trickle in with 408 REQUEST_TIMEOUT within the bound', async () => {
    const exchange = await rawHttp(server.url, ['GET /v1/topics HTTP/1.1\r\n', ...'X-Slow: abcdefghijklmnopqrstuvwxyz0123456789'.split('')], {
      intervalMs: 300,
      giveUpMs: 30_000,
    });
    expectTimedOut(exchange);
  });

  it('should close a connection that sends nothing, and an idle keep-alive connection', async () => {
    expectTimedOut(await rawHttp(server.url, [], { giveUpMs: 30_000 }));
    const kept = await rawHttp(server.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], { giveUpMs: 30_000 });
    expect(kept.status).toBe(200);
    expect(kept.ending).toBe('closed');
    expect(kept.ms).toBeLessThan(WITHIN_MS);
  });

  it('should still serve a normal request, and keep a quiet WebSocket open past every HTTP time-out', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const seeker = await newSeeker(server);
    const { frames, socket } = await rawSocket(server.url, seeker.token as string);
    let closed = false;
    socket.on('close', () => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(closed).toBe(false);
    socket.send('{"type":"ping"}');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(frames.some((frame) => frame.type === 'pong')).toBe(true);
    socket.close();
  });

  it('should read the limits from the environment, with defaults, and refuse contradictory ones', () => {
    expect(loadConfig({}).timeouts.http).toEqual({ requestMs: 30_000, headersMs: 10_000, keepAliveMs: 72_000, idleMs: 60_000 });
    expect(loadConfig(LIMITS).timeouts.http).toMatchObject({ requestMs: 2_000, headersMs: 1_000, keepAliveMs: 1_000 });
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '5000' })).toThrow(ConfigError);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
    expect(loadConfig({}).timeouts.database).toEqual({ statementMs: 10_000, lockMs: 5_000, idleInTransactionMs: 30_000, connectMs: 5_000, queryMs: 12_000 });
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '20000' })).toThrow(/DB_QUERY_TIMEOUT_MS/);
    expect(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0', DB_QUERY_TIMEOUT_MS: '0' }).timeouts.database).toMatchObject({ statementMs: 0, queryMs: 0 });
  });
});
