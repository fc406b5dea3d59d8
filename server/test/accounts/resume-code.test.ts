import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient } from '../../../client-sdk/src/index.ts';
import { toB64 } from '../../../client-sdk/src/crypto/encoding.ts';
import { deriveResumeKeys, normaliseResumeCode } from '../../../client-sdk/src/crypto/resume-code.ts';
import { expectApiError } from '../helpers/api-error.ts';
import { databaseTargets } from '../helpers/database.ts';
import { newSeeker, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

const CODE_FORMAT = /^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$/;

describe.each(databaseTargets())('anonymous resume codes on %s', (target) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startServer(target);
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  it('should bring an anonymous seeker back on another device with the whole history readable', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await CounselClient.startAnonymous({ baseUrl: server.url });
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'first, anonymously' });
    await b1.claim(thread.id);
    await b1.sendMessage(thread.id, 'the counsellor answers');
    const code = await seeker.createResumeCode();
    expect(code).toMatch(CODE_FORMAT);

    // Another device: nothing but the code, typed carelessly.
    const other = await CounselClient.resumeWithCode({ baseUrl: server.url, code: ` ${code.toLowerCase().replace(/-/g, ' ')} ` });
    expect(other.userId).toBe(seeker.userId);
    expect(other.me.isAnonymous).toBe(true);
    expect(other.token).not.toBe(seeker.token);
    const history = await other.history(thread.id);
    expect(history.messages.map((m) => [m.text, m.failure])).toEqual([
      ['first, anonymously', null],
      ['the counsellor answers', null],
    ]);
    await other.sendMessage(thread.id, 'back from my phone');
    expect((await b1.history(thread.id)).messages.at(-1)?.text).toBe('back from my phone');

    // Neither the code nor the values derived from it were logged; the database keeps none of them in the clear.
    const keys = deriveResumeKeys(code);
    const logs = server.logs.join('\n');
    for (const secret of [code, normaliseResumeCode(code), toB64(keys.authKey), toB64(keys.wrapKey)]) expect(logs).not.toContain(secret);
    const stored = await server.db.database.db.selectFrom('resumeCodes').selectAll().where('userId', '=', seeker.userId).execute();
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.authHash).equals(Buffer.from(keys.authKey))).toBe(false);
    const row = JSON.stringify(stored[0], (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value));
    expect(row).not.toContain(Buffer.from(keys.wrapKey).toString('hex'));
    expect(row).not.toContain(Buffer.from(keys.authKey).toString('hex'));
  });

  it('should answer a wrong code with 401 RESUME_CODE_INVALID, and retire a code once a new one is made', async () => {
    const seeker = await CounselClient.startAnonymous({ baseUrl: server.url });
    const first = await seeker.createResumeCode();
    const second = await seeker.createResumeCode();
    expect(second).not.toBe(first);
    await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code: first }), 401, 'RESUME_CODE_INVALID');
    await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code: 'AAAAA-BBBBB-CCCCC-DDDDD-EEEEE' }), 401, 'RESUME_CODE_INVALID');
    await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code: 'nonsense' }), 401, 'RESUME_CODE_INVALID');
    expect((await CounselClient.resumeWithCode({ baseUrl: server.url, code: second })).userId).toBe(seeker.userId);
    // A right lookup id with a wrong auth key is refused the same way.
    const keys = deriveResumeKeys(second);
    const response = await fetch(`${server.url}/v1/auth/resume`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lookupId: toB64(keys.lookupId), authKey: toB64(keys.wrapKey) }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('RESUME_CODE_INVALID');
  });

  it('should be for anonymous seekers only, and die with the account', async () => {
    const registered = await newSeeker(server);
    await expectApiError(registered.createResumeCode(), 403, 'RESUME_CODE_ANONYMOUS_ONLY');
    await expectApiError(world.solo.counsellors[0].createResumeCode(), 403, 'FORBIDDEN_ROLE');
    const anonymous = await CounselClient.startAnonymous({ baseUrl: server.url });
    const code = await anonymous.createResumeCode();
    await anonymous.deleteAccount();
    await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code }), 401, 'RESUME_CODE_INVALID');
  });
});

describe('resume attempts are rate limited like logins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite', { env: { RATE_LIMIT_AUTH_MAX: '3' } });
  });
  afterAll(async () => server?.close());

  it('should answer 429 RATE_LIMITED after the limit', async () => {
    for (let i = 0; i < 3; i++) {
      await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code: `WRONG-${i}` }), 401, 'RESUME_CODE_INVALID');
    }
    await expectApiError(CounselClient.resumeWithCode({ baseUrl: server.url, code: 'WRONG-4' }), 429, 'RATE_LIMITED');
  });
});
