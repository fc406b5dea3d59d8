import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST } from '../../src/web/static.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the web app is served with the API', () => {
  let server: TestServer;
  let indexHtml: string;
  beforeAll(async () => {
    // Asynchronously: a synchronous child would block this worker's RPC with vitest while Vite builds.
    await promisify(execFile)(process.execPath, [path.join(root, 'web/ensure-built.mjs')]);
    indexHtml = readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
    server = await startServer('pglite');
  });
  afterAll(async () => server?.close());

  it('should answer / and every deep link with the app shell under a strict CSP', async () => {
    for (const deepLink of ['/', '/threads/7d7c3b5e-6f7b-4f0e-9d43-0a4a3c8e2b11', '/activate/some-code', '/l/some-code', '/admin', '/inbox?x=1']) {
      const response = await fetch(`${server.url}${deepLink}`);
      expect(response.status, deepLink).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(indexHtml);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('should keep JSON 404s for the API and real 404s for missing files', async () => {
    const api = await fetch(`${server.url}/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await fetch(`${server.url}/assets/missing-file.js`)).status).toBe(404);
    const post = await fetch(`${server.url}/threads/x`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('should serve hashed assets as immutable, and the frame-encryption worker from its own origin', async () => {
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"><\/script>/.exec(indexHtml)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const worker = await fetch(`${server.url}/e2ee-worker.js`);
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-type')).toMatch(/javascript/);
  });

  it('should reference nothing on another host and carry no inline script', () => {
    const sources = [...indexHtml.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source.startsWith('/'), source).toBe(true);
    expect(indexHtml).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
