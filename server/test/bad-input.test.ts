import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAdmin, newCounsellor, newSeeker, startServer, type TestServer } from './helpers/server.ts';

interface Probe {
  method: string;
  url: string;
  body?: string;
  token?: string;
}

describe('malformed input on every route', () => {
  let server: TestServer;
  let tokens: Record<string, string>;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    server = await startServer('pglite');
    const admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic('Bad input');
    const counsellor = await newCounsellor(server, admin, [topic.virtualAgencyId as string]);
    const seeker = await newSeeker(server);
    tokens = { admin: admin.token as string, counsellor: counsellor.token as string, seeker: seeker.token as string };
    const spec = server.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(async () => server?.close());

  function probes(method: string, path: string): Probe[] {
    const withBadParams = path.replace(/\{[^}]+\}/g, 'not-a-valid-id');
    const withUnknownIds = path.replace(/\{[^}]+\}/g, () => randomUUID());
    const result: Probe[] = [
      { method, url: withBadParams },
      { method, url: `${withUnknownIds}?limit=abc&topicId=zz&postcode=x&afterSeq=-1&username=%00&view=nope&agencyId=1` },
    ];
    if (method === 'POST' || method === 'PUT') {
      for (const body of ['{"broken', '[]', '{"unexpected":true}', '{"envelopes":"no","epoch":-5,"id":"x"}', 'null']) {
        result.push({ method, url: withUnknownIds, body });
      }
      result.push({ method, url: withUnknownIds, body: JSON.stringify({ name: 'x'.repeat(300_000) }) });
    }
    return result;
  }

  it('should answer 4xx with a stable code, never 5xx, for every route and role', async () => {
    expect(routes.length).toBeGreaterThan(20);
    let checked = 0;
    for (const route of routes) {
      for (const role of [null, 'seeker', 'counsellor', 'admin'] as const) {
        for (const probe of probes(route.method, route.path)) {
          const headers: Record<string, string> = {};
          if (role) headers.authorization = `Bearer ${tokens[role]}`;
          if (probe.body !== undefined) headers['content-type'] = 'application/json';
          const response = await fetch(`${server.url}${probe.url}`, {
            method: probe.method,
            headers,
            ...(probe.body !== undefined ? { body: probe.body } : {}),
          });
          const label = `${probe.method} ${probe.url} as ${role ?? 'anonymous'} body=${probe.body?.slice(0, 40)}`;
          if (response.status < 400) {
            // A few routes accept any of these (e.g. public lookups with defaults); they must still not fail.
            expect(response.status, label).toBeLessThan(300);
            continue;
          }
          expect(response.status, label).toBeLessThan(500);
          const payload = (await response.json()) as { code?: unknown; message?: unknown };
          expect(typeof payload.code, label).toBe('string');
          expect(typeof payload.message, label).toBe('string');
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    const errors = server.logs.filter((line) => line.includes('"level":50'));
    expect(errors).toEqual([]);
  });

  it('should name the field that failed validation', async () => {
    const response = await fetch(`${server.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ok_name', authKey: 'short' }),
    });
    expect(response.status).toBe(400);
    const payload = (await response.json()) as { code: string; message: string };
    expect(payload.code).toBe('VALIDATION_FAILED');
    expect(payload.message).toMatch(/authKey|kdf|identity/);
  });

  it('should rate-limit login attempts with RATE_LIMITED', async () => {
    const limited = await startServer('pglite', { env: { RATE_LIMIT_AUTH_MAX: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${limited.url}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'nobody', authKey: 'A'.repeat(43) }),
        });
        statuses.push(response.status);
        if (response.status === 429) expect(((await response.json()) as { code: string }).code).toBe('RATE_LIMITED');
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });
});
