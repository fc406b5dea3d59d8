/**
 * The whole story of the web app, driven through its UI only, in real Chromium pages with fake
 * camera and microphone, against the real server (Postgres and Redis when DATABASE_URL and
 * REDIS_URL are set, else PGlite and the in-process bus) with its SFU:
 *
 *   admin creates a team agency and two counsellors → both activate → an anonymous seeker finds
 *   the agency by postcode and writes → the enquiry appears live in both inboxes → one claims, it
 *   leaves the other's inbox → chat both ways, live → the colleague opens the case through the
 *   team view after confirming → the owner sees that access in the log → a video call in which
 *   each page decodes the other's video → the seeker reloads and still reads the history → the
 *   seeker deletes the account.
 *
 * The test never calls the SDK: the only thing done behind the UI is bootstrapping the first
 * admin, which the CLI does in production. Along the way it saves screenshots of the main screens
 * (docs/screenshots, shown in the README), runs axe on the landing page, the chat, the inbox and
 * the admin page, checks that no page requests anything from another host, and searches a canary
 * sentence typed into the UI in the database dump, the server log and every command Redis saw.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../../client-sdk/src/crypto/identity.ts';
import { createStaffAccount } from '../../src/accounts/service.ts';
import { browserVideoMissing, CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts';
import { databaseTargets } from '../helpers/database.ts';
import { dumpDatabase, encodings } from '../helpers/leaks.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCREENSHOTS = path.join(root, 'docs/screenshots');
const PASSWORD = 'correct horse battery staple';
const CANARY = 'Web canary: lilac otters whisper 4471 beneath the bridge';
const missing = browserVideoMissing();

describe('web app story prerequisites', () => {
  it.runIf(process.env.REQUIRE_VIDEO === '1')('has the mediasoup worker and Chromium (REQUIRE_VIDEO=1)', () => {
    expect(missing).toBeNull();
  });
});

/**
 * Polls until the expectation holds. Generous, because the whole suite shares two cores with
 * Postgres, Redis, the SFU and several browsers; nothing here measures speed.
 */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 30_000, interval: 200 });

describe.skipIf(missing !== null)('web app: the whole story through the UI', () => {
  const target = databaseTargets().at(-1) ?? 'pglite';
  let server: TestServer;
  let browser: Browser;
  let redisMonitor: Redis | null = null;
  const redisTraffic: string[] = [];
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  let adminActivationCode: string;

  async function openPage(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
    await context.addInitScript(() => localStorage.setItem('counsel.language', 'en'));
    const page = await context.newPage();
    // Key derivation (Argon2id) runs in the page; on a loaded machine an activation takes a while.
    page.setDefaultTimeout(60_000);
    const origin = new URL(server.url).origin;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== origin) foreignRequests.push(`${name}: ${request.url()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function expectAccessible(page: Page, screen: string): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    const severe = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(
      severe.map((violation) => `${screen}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }

  async function activate(page: Page, link: string, username: string): Promise<void> {
    await page.goto(link);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activate account' }).click();
  }

  async function createCounsellor(admin: Page, name: string, agencyName: string): Promise<string> {
    const form = admin.getByRole('form', { name: 'Create counsellor' });
    await form.getByLabel('Display name').fill(name);
    await form.getByRole('group', { name: 'Agencies' }).getByLabel(agencyName).check();
    await form.getByRole('button', { name: 'Create counsellor' }).click();
    const link = admin.getByRole('link', { name: /\/activate\// }).last();
    await eventually(async () => (await link.count()) > 0 && (await link.textContent())).toBeTruthy();
    const href = await link.getAttribute('href');
    expect(href).toMatch(/\/activate\/.+/);
    return new URL(href ?? '', server.url).toString();
  }

  /** A remote video of the call decodes: the app marks it playing once it has a picture, and its playhead moves. */
  async function expectVideoPlaying(page: Page, label: string): Promise<void> {
    const video = page.getByLabel(label);
    await eventually(() => video.getAttribute('data-state')).toBe('playing');
    const size = await video.evaluate((element: HTMLVideoElement) => ({ width: element.videoWidth, time: element.currentTime }));
    expect(size.width).toBeGreaterThan(0);
    await eventually(() => video.evaluate((element: HTMLVideoElement) => element.currentTime)).toBeGreaterThan(size.time);
  }

  beforeAll(async () => {
    // Asynchronously: a synchronous child would block this worker's RPC with vitest while Vite builds.
    await promisify(execFile)(process.execPath, [path.join(root, 'web/ensure-built.mjs')]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startServer(target, { video: true });
    if (server.config.redisUrl) {
      redisMonitor = await new Redis(server.config.redisUrl).monitor();
      redisMonitor.on('monitor', (_time: string, args: string[]) => redisTraffic.push(args.join(' ')));
    }
    ({ activationCode: adminActivationCode } = await createStaffAccount(server.db.database.db, { role: 'admin', displayName: 'Operator' }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    redisMonitor?.disconnect();
    await browser?.close();
    await server?.close();
  });

  it('should carry the story from the admin to a deleted seeker account', { timeout: 600_000 }, async () => {
    const topicName = `Family ${Math.random().toString(36).slice(2, 6)}`;
    const agencyName = 'Family centre North';

    // 1. The admin activates the bootstrap account, creates a topic, a team agency and two counsellors.
    const admin = await openPage('admin');
    await activate(admin, `${server.url}/activate/${adminActivationCode}`, 'operator');
    await admin.waitForURL('**/admin**');
    await admin.getByLabel('Topic name').fill(topicName);
    await admin.getByRole('button', { name: 'Create topic' }).click();
    await eventually(() => admin.getByText(topicName).count()).toBeGreaterThan(0);
    const agencyForm = admin.getByRole('form', { name: 'Create agency' });
    await agencyForm.getByLabel('Agency name').fill(agencyName);
    await agencyForm.getByLabel('Team agency', { exact: true }).check();
    await agencyForm.getByRole('group', { name: 'Topics' }).getByLabel(topicName).check();
    await agencyForm.getByLabel('Postcode ranges').fill('10000-10999');
    await agencyForm.getByRole('button', { name: 'Create agency' }).click();
    await eventually(() => admin.getByRole('group', { name: 'Agencies' }).getByLabel(agencyName).count()).toBeGreaterThan(0);
    const danaLink = await createCounsellor(admin, 'Dana', agencyName);
    const eliasLink = await createCounsellor(admin, 'Elias', agencyName);
    await screenshot(admin, 'admin');
    await expectAccessible(admin, 'admin');

    // 2. Both counsellors activate their accounts from their links.
    const dana = await openPage('dana');
    const elias = await openPage('elias');
    await activate(dana, danaLink, 'dana');
    await activate(elias, eliasLink, 'elias');
    await dana.waitForURL('**/inbox');
    await elias.waitForURL('**/inbox');

    // 3. An anonymous seeker finds the agency by postcode and writes an enquiry.
    const seeker = await openPage('seeker');
    await seeker.goto(server.url);
    await seeker.getByLabel('Topic').selectOption({ label: topicName });
    await seeker.getByLabel('Postcode').fill('10115');
    await seeker.getByRole('button', { name: 'Search' }).click();
    await screenshot(seeker, 'landing');
    await expectAccessible(seeker, 'landing');
    await seeker.getByRole('button', { name: `Write to ${agencyName}` }).click();
    await seeker.getByLabel('Your message').fill(`${CANARY} — first enquiry`);
    await seeker.getByRole('button', { name: 'Send anonymously' }).click();
    await seeker.waitForURL('**/threads/**');
    const threadId = seeker.url().split('/threads/')[1]?.split(/[?#]/)[0] ?? '';
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    const seekerLog = seeker.getByRole('log', { name: 'Messages' });
    await eventually(() => seekerLog.getByText(`${CANARY} — first enquiry`).count()).toBe(1);

    // 4. It appears in both inboxes without a reload.
    for (const counsellor of [dana, elias]) {
      await eventually(() => counsellor.getByRole('button', { name: 'Claim' }).count()).toBe(1);
    }
    await screenshot(dana, 'inbox');
    await expectAccessible(dana, 'inbox');

    // 5. Dana claims it; it leaves Elias's inbox at once.
    await dana.getByRole('button', { name: 'Claim' }).click();
    await dana.waitForURL(`**/threads/${threadId}`);
    await eventually(() => elias.getByRole('button', { name: 'Claim' }).count()).toBe(0);

    // 6. Chat both ways, live.
    const danaLog = dana.getByRole('log', { name: 'Messages' });
    await eventually(() => danaLog.getByText(`${CANARY} — first enquiry`).count()).toBe(1);
    await dana.getByLabel('Message', { exact: true }).fill('Hello, I am Dana. Thank you for writing.');
    await dana.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(() => seekerLog.getByText('Hello, I am Dana.', { exact: false }).count()).toBe(1);
    await seeker.getByLabel('Message', { exact: true }).fill(`${CANARY} — reply`);
    await seeker.getByRole('button', { name: 'Send', exact: true }).click();
    await eventually(() => danaLog.getByText(`${CANARY} — reply`).count()).toBe(1);
    await screenshot(seeker, 'chat-seeker');
    await screenshot(dana, 'chat-counsellor');
    await expectAccessible(seeker, 'chat');

    // 7. Elias opens the case through the team view, after confirming.
    await elias.goto(`${server.url}/team`);
    await elias.getByRole('button', { name: 'Open case' }).first().click();
    const confirm = elias.getByRole('dialog');
    await eventually(() => confirm.getByText('logged', { exact: false }).count()).toBeGreaterThan(0);
    await screenshot(elias, 'team-confirm');
    await confirm.getByRole('button', { name: 'Open case' }).click();
    await elias.waitForURL(`**/threads/${threadId}**`);
    await eventually(() => elias.getByRole('log', { name: 'Messages' }).getByText(`${CANARY} — reply`).count())
      .toBe(1);

    // 8. Dana sees that access in the case's access log.
    await dana.reload();
    await dana.getByRole('button', { name: 'Access log' }).click();
    await eventually(() => dana.getByRole('table').getByText('Elias').count()).toBeGreaterThan(0);

    // 9. A video call: Dana calls, the seeker answers, each page decodes the other's video.
    await dana.getByRole('button', { name: 'Start video call' }).click();
    await dana.getByRole('button', { name: 'Call now' }).click();
    await seeker.getByRole('button', { name: 'Answer' }).click();
    await seeker.getByRole('button', { name: 'Join call' }).click();
    await expectVideoPlaying(seeker, 'Video of Dana');
    await expectVideoPlaying(dana, 'Video of the advice seeker');
    await screenshot(dana, 'call');
    await dana.getByRole('button', { name: 'Leave call' }).click();
    await eventually(() => seeker.getByText('The call has ended').count()).toBeGreaterThan(0);

    // 10. The seeker reloads and still reads the whole history (keys and session in IndexedDB).
    await seeker.reload();
    await eventually(() => seekerLog.getByText(`${CANARY} — first enquiry`).count()).toBe(1);
    await eventually(() => seekerLog.getByText('Hello, I am Dana.', { exact: false }).count()).toBe(1);

    // Fail closed stays visible: a message the server tampered with is shown as such, never as text.
    await sql`update messages set ciphertext = decode(repeat('00', length(ciphertext)), 'hex') where thread_id = ${threadId} and seq = 2`.execute(
      server.db.database.db,
    );
    await dana.reload();
    await eventually(() => danaLog.getByText('could not be decrypted', { exact: false }).count()).toBe(1);
    await eventually(() => danaLog.getByText(`${CANARY} — first enquiry`).count()).toBe(1);

    // A key swapped by the server is noticed after a reload (pins live in IndexedDB), then restored.
    const danaKeys = await server.db.database.db
      .selectFrom('users')
      .select(['id', 'signPublicKey', 'boxPublicKey'])
      .where('username', '=', 'dana')
      .executeTakeFirstOrThrow();
    const evil = generateIdentity();
    await server.db.database.db.updateTable('users').set({ signPublicKey: evil.signPublicKey, boxPublicKey: evil.boxPublicKey }).where('id', '=', danaKeys.id).execute();
    await seeker.reload();
    await eventually(() => seeker.getByRole('alert').getByText('has changed', { exact: false }).count()).toBeGreaterThan(0);
    await screenshot(seeker, 'key-changed');
    await server.db.database.db
      .updateTable('users')
      .set({ signPublicKey: danaKeys.signPublicKey, boxPublicKey: danaKeys.boxPublicKey })
      .where('id', '=', danaKeys.id)
      .execute();

    // Logging out removes the session, the private keys and the pins from the browser.
    await elias.getByRole('button', { name: 'Log out' }).click();
    await elias.waitForURL((url) => url.pathname === '/');
    const leftInBrowser = await elias.evaluate(async () => {
      const count = (name: string, store: string) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const request = open.result.transaction(store, 'readonly').objectStore(store).count();
            request.onsuccess = () => resolve(request.result);
          };
        });
      return { session: await count('counsel-session', 'session'), pins: await count('counsel-pins', 'pins') };
    });
    expect(leftInBrowser).toEqual({ session: 0, pins: 0 });

    // Deep links open their screens: the counsellor's personal link and the admin page.
    await dana.goto(`${server.url}/settings`);
    const personalLink = dana.getByRole('link', { name: /\/l\// }).first();
    const linkHref = (await personalLink.getAttribute('href')) ?? '';
    await screenshot(dana, 'counsellor-settings');
    const visitor = await openPage('visitor');
    await visitor.goto(new URL(linkHref, server.url).toString());
    await eventually(() => visitor.getByText('Dana', { exact: false }).count()).toBeGreaterThan(0);
    await admin.goto(`${server.url}/admin`);
    await eventually(() => admin.getByRole('heading', { level: 1 }).count()).toBeGreaterThan(0);

    // While the case still exists: the database holds only ciphertext of what was typed.
    const databaseDump = await dumpDatabase(server);
    expect(databaseDump).toContain(threadId);

    // 11. The seeker deletes the account.
    await seeker.goto(`${server.url}/settings`);
    await seeker.getByRole('button', { name: 'Delete account' }).click();
    await seeker.getByRole('dialog').getByRole('button', { name: 'Delete account' }).click();
    await seeker.waitForURL((url) => url.pathname === '/');
    const remaining = await server.db.database.db.selectFrom('threads').select('id').where('id', '=', threadId).execute();
    expect(remaining).toEqual([]);

    // Nothing came from another host, and no page threw.
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);

    // The canary typed into the UI is nowhere on the server side.
    const places = {
      database: databaseDump,
      log: server.logs.join('\n'),
      redis: redisTraffic.join('\n'),
    };
    if (server.config.redisUrl) expect(redisTraffic.length).toBeGreaterThan(0);
    for (const [place, text] of Object.entries(places)) {
      for (const encoded of encodings(CANARY)) expect(text.includes(encoded), `canary (${encoded.slice(0, 12)}…) found in ${place}`).toBe(false);
    }
  });
});
