import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount } from '../../src/accounts/service.ts';
import { newAdmin, startServer, type TestServer } from '../helpers/server.ts';

/** Issue 8, defect 7: link codes reached the debug log through the request path of `GET /v1/links/:code`. */
describe('secrets in request paths stay out of the log', () => {
  let server: TestServer;
  let agencyLinkCode: string;
  let activationCode: string;

  beforeAll(async () => {
    server = await startServer('pglite');
    const admin = await newAdmin(server);
    const topic = await admin.adminCreateTopic('Log hygiene');
    agencyLinkCode = (await admin.adminCreateAgency({ name: 'Agency', isTeam: false, topicIds: [topic.id], postcodeRanges: [] })).linkCode;
    activationCode = (await createStaffAccount(server.db.database.db, { role: 'counsellor', displayName: 'Dana' })).activationCode;
  });
  afterAll(async () => server?.close());

  function marker(): string {
    return `SECRET${randomBytes(12).toString('hex')}`;
  }

  function logged(secret: string): string[] {
    return server.logs.filter((line) => line.includes(secret));
  }

  it('should log the link route without its code, for a known and an unknown code', async () => {
    const unknown = marker();
    expect((await fetch(`${server.url}/v1/links/${agencyLinkCode}`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/links/${unknown}`)).status).toBe(404);
    expect(server.logs.some((line) => line.includes('/v1/links/'))).toBe(true);
    expect(logged(agencyLinkCode)).toEqual([]);
    expect(logged(unknown)).toEqual([]);
  });

  it('should log the web app deep links for activation and personal links without their codes', async () => {
    const link = marker();
    await fetch(`${server.url}/activate/${activationCode}`);
    await fetch(`${server.url}/l/${link}`);
    await fetch(`${server.url}/l/${link}/`);
    expect(logged(activationCode)).toEqual([]);
    expect(logged(link)).toEqual([]);
  });

  it('should keep codes out of the log when the path is malformed or too long', async () => {
    const malformed = marker();
    const long = `${marker()}${'x'.repeat(200)}`;
    expect((await fetch(`${server.url}/v1/links/${malformed}%zz`)).status).toBe(400);
    // 404 where the web app's catch-all route takes the path, 414 (URL_TOO_LONG) elsewhere.
    expect([404, 414]).toContain((await fetch(`${server.url}/v1/links/${long}`)).status);
    expect(logged(malformed)).toEqual([]);
    expect(logged(long.slice(0, 30))).toEqual([]);
  });

  it('should redact every route parameter that is a code or a token, for routes added later too', async () => {
    const spec = (await (await fetch(`${server.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const secretPaths = Object.keys(spec.paths).filter((path) => /\{[^}]*(code|token|secret)[^}]*\}/i.test(path));
    expect(secretPaths.length).toBeGreaterThan(0);
    for (const path of secretPaths) {
      const secret = marker();
      await fetch(`${server.url}${path.replace(/\{[^}]+\}/g, secret)}`);
      expect(logged(secret), path).toEqual([]);
    }
  });
});
