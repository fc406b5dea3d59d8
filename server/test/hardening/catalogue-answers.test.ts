import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { rawHttp } from '../helpers/raw-http.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';

/** Issue 8, defect 8: answers that Node or Fastify gave outside the error catalogue. */
describe('every refusal is a catalogue answer', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(async () => server?.close());

  function expectCatalogue(body: string, code: string, statusCode: number): void {
    expect(JSON.parse(body)).toEqual({ code, message: expect.any(String), statusCode });
  }

  it('should answer headers over the limit with 431 HEADERS_TOO_LARGE and a clean close, not a reset', async () => {
    const exchange = await rawHttp(server.url, [`GET /v1/topics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(exchange.status).toBe(431);
    expect(exchange.ending).toBe('closed');
    expectCatalogue(exchange.body, 'HEADERS_TOO_LARGE', 431);

    const response = await fetch(`${server.url}/v1/topics`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expectCatalogue(await response.text(), 'HEADERS_TOO_LARGE', 431);
  });

  it('should answer malformed HTTP with 400 BAD_REQUEST', async () => {
    const exchange = await rawHttp(server.url, ['GET /v1/topics HTTP/1.1\r\nHost x\r\n\r\n']);
    expect(exchange.status).toBe(400);
    expectCatalogue(exchange.body, 'BAD_REQUEST', 400);
  });

  it('should answer a path parameter over the router limit with 414 URL_TOO_LONG', async () => {
    const response = await fetch(`${server.url}/v1/threads/${'x'.repeat(300)}/claim`, { method: 'POST' });
    expect(response.status).toBe(414);
    expectCatalogue(await response.text(), 'URL_TOO_LONG', 414);
  });

  it('should answer a malformed URL with 400 BAD_REQUEST without echoing the path', async () => {
    for (const path of ['/v1/threads/%zz', '/v1/links/abc%zz', '/v1/threads/%zz/claim']) {
      const response = await fetch(`${server.url}${path}`, { method: path.endsWith('claim') ? 'POST' : 'GET' });
      expect(response.status, path).toBe(400);
      const body = await response.text();
      expectCatalogue(body, 'BAD_REQUEST', 400);
      expect(body).not.toContain('%zz');
    }
  });

  it('should close a WebSocket frame over 64 KiB with 1009 and log a warning without a stack trace', async () => {
    const seeker = await newSeeker(server);
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: `Bearer ${seeker.token}` } });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(70 * 1024));
    expect(await closed).toBe(1009);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const lines = server.logs.filter((line) => line.includes('Max payload size exceeded') || line.includes('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 40, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    expect(lines[0]).not.toContain('stack');
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
