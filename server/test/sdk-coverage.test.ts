import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './helpers/server.ts';

const sdkSource = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../client-sdk/src');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'contract' ? [] : sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** `/v1/threads/{id}/claim` → a pattern for the SDK's `request('GET', `/v1/threads/${…}/claim`)` call. */
function callPattern(method: string, openApiPath: string): RegExp {
  const escaped = openApiPath.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '\\$\\{[^}]+\\}');
  return new RegExp(`['"]${method}['"],\\s*[\`'"]${escaped}[\`'"]`);
}

describe('the SDK wraps the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('pglite');
  });
  afterAll(async () => server?.close());

  it('should call every REST route of the OpenAPI description somewhere in the SDK', () => {
    const spec = server.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths)
      .filter(([route]) => route.startsWith('/v1/'))
      .flatMap(([route, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), route })));
    expect(routes.length).toBeGreaterThan(40);
    const source = sourcesUnder(sdkSource).map((file) => readFileSync(file, 'utf8')).join('\n');
    const missing = routes.filter(({ method, route }) => !callPattern(method, route).test(source));
    expect(missing).toEqual([]);
  });
});
