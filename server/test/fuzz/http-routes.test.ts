import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { FuzzWorld, ROLES, type Role } from './fuzz-world.ts';
import { arbitraryFor, encodeParam, toJson, wrongValue, type JsonSchema } from './schema-arbitrary.ts';

/**
 * Issue 8, defect 3: property-based fuzzing of every route in the OpenAPI document (so routes
 * added later are fuzzed too) as every role, with valid requests and spoiled ones. The property:
 * no answer is a 5xx, and every refusal carries a catalogue code.
 */
const REQUESTS = Number(process.env.FUZZ_HTTP_REQUESTS ?? 10_000);
/** Requests sent at once: one property run. */
const BATCH = 25;

interface Operation {
  method: string;
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  queryParams: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  body: JsonSchema | null;
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean; schema: JsonSchema }>; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface FuzzRequest {
  role: Role;
  method: string;
  url: string;
  body: string | null;
  contentType: string | null;
}

interface Answer {
  status: number;
  code: unknown;
}

function operations(spec: OpenApi): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false })),
        body: operation.requestBody?.content?.['application/json']?.schema ?? null,
      };
    }),
  );
}

/** Path values that are not ids at all: written into the URL as they are (not encoded). */
const RAW_PATH_VALUES = ['not-a-uuid', 'x'.repeat(300), '%zz', '%00', '%2F', '..', '%F0%9F%92%A5', '-1', '1e400'];
/** Query additions no schema foresees, appended as they are. */
const RAW_QUERY_EXTRAS = ['limit=1e400', 'afterSeq=Infinity', 'afterSeq=1e20', 'beforeSeq=-0', 'x=%zz', `y=${'a'.repeat(5000)}`, 'limit=1&limit=2', 'view[]=x', '__proto__=1'];
const BROKEN_BODIES = ['{"broken', 'null', '[]', '"text"', '1e400', '{"a":1e400}', '\u0000', `{"deep":${'['.repeat(500)}${']'.repeat(500)}}`];

function requestFor(operation: Operation, world: FuzzWorld, resolve: (ref: string) => JsonSchema): fc.Arbitrary<FuzzRequest> {
  return fc.boolean().chain((mutate) => {
    const options = { vocabulary: world.vocabulary, resolve, mutate };
    const pathValue = (param: { name: string; schema: JsonSchema }) =>
      mutate
        ? fc.oneof(
            { weight: 3, arbitrary: arbitraryFor(param.schema, options, param.name).map((value) => encodeParam(value)) },
            { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_VALUES) },
          )
        : arbitraryFor(param.schema, options, param.name).map((value) => encodeParam(value));
    const query = fc.tuple(
      ...operation.queryParams.map((param) => {
        const value = arbitraryFor(param.schema, options, param.name).map((v) => `${param.name}=${encodeParam(v)}`);
        return param.required && !mutate ? value : fc.option(value, { nil: null });
      }),
    );
    const extras = mutate ? fc.subarray(RAW_QUERY_EXTRAS, { maxLength: 2 }) : fc.constant<string[]>([]);
    const hasBody = operation.method !== 'GET' && operation.method !== 'HEAD';
    const body: fc.Arbitrary<{ text: string | null; contentType: string | null }> = !hasBody
      ? fc.constant({ text: null, contentType: null })
      : fc.oneof(
          { weight: 8, arbitrary: (operation.body ? arbitraryFor(operation.body, options) : mutate ? wrongValue : fc.constant(undefined)).map((value) => ({ text: value === undefined ? null : toJson(value), contentType: value === undefined ? null : 'application/json' })) },
          { weight: mutate ? 1 : 0, arbitrary: fc.constantFrom(...BROKEN_BODIES).map((text) => ({ text, contentType: 'application/json' })) },
          { weight: mutate ? 1 : 0, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1').map((contentType) => ({ text: 'a=1', contentType })) },
        );
    return fc
      .record({
        role: fc.constantFrom(...ROLES),
        params: fc.tuple(...operation.pathParams.map(pathValue)),
        query,
        extras,
        body,
      })
      .map(({ role, params, query: parts, extras: added, body: payload }) => {
        let index = 0;
        const path = operation.path.replace(/\{[^}]+\}/g, () => params[index++] as string);
        const search = [...parts.filter((part): part is string => part !== null), ...added].join('&');
        return { role, method: operation.method, url: search ? `${path}?${search}` : path, body: payload.text, contentType: payload.contentType };
      });
  });
}

function describeRequest(request: FuzzRequest): string {
  return `${request.method} ${request.url.slice(0, 200)} as ${request.role} body=${request.body?.slice(0, 300) ?? '-'}`;
}

describe('fuzzing every OpenAPI route as every role', () => {
  let server: TestServer;
  let world: FuzzWorld;
  let spec: OpenApi;

  beforeAll(async () => {
    server = await startServer('pglite');
    world = await FuzzWorld.create(server);
    spec = (await (await fetch(`${server.url}/docs/json`)).json()) as OpenApi;
  });
  afterAll(async () => server?.close());

  async function send(request: FuzzRequest): Promise<Answer> {
    const token = world.token(request.role);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.contentType) headers['content-type'] = request.contentType;
    const response = await fetch(`${server.url}${request.url}`, {
      method: request.method,
      headers,
      ...(request.body !== null ? { body: request.body } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let code: unknown = null;
    try {
      code = (JSON.parse(text) as { code?: unknown }).code ?? null;
    } catch {
      // A success need not be JSON (the web app shell); a refusal must be, and is checked below.
    }
    return { status: response.status, code };
  }

  it('should hold every string a client sends to a pattern, a format or an enumeration (no NUL gets through)', () => {
    const resolve = (ref: string) => spec.components?.schemas?.[ref.split('/').pop() as string] ?? {};
    const loose: string[] = [];
    const visit = (schema: JsonSchema | undefined, where: string): void => {
      if (!schema) return;
      if (schema.$ref) return visit(resolve(schema.$ref), where);
      const type = Array.isArray(schema.type) ? schema.type : [schema.type];
      const bounded = schema.pattern || ['uuid', 'email'].includes(schema.format ?? '') || schema.enum || schema.const !== undefined;
      if (type.includes('string') && !bounded) loose.push(where);
      for (const [key, property] of Object.entries(schema.properties ?? {})) visit(property, `${where}.${key}`);
      visit(schema.items, `${where}[]`);
      for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) visit(branch, where);
    };
    for (const operation of operations(spec)) {
      const name = `${operation.method} ${operation.path}`;
      for (const param of [...operation.pathParams, ...operation.queryParams]) visit(param.schema, `${name} ${param.name}`);
      visit(operation.body ?? undefined, `${name} body`);
    }
    expect(loose).toEqual([]);
  });

  it(`should answer ${REQUESTS} generated requests with no 5xx and only catalogue codes`, async () => {
    const resolve = (ref: string) => spec.components?.schemas?.[ref.split('/').pop() as string] ?? {};
    const all = operations(spec);
    expect(all.length).toBeGreaterThan(40);
    const request = fc.constantFrom(...all).chain((operation) => requestFor(operation, world, resolve));
    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        sent += batch.length;
        const dead = new Set<Role>();
        batch.forEach((item, i) => {
          const answer = answers[i] as Answer;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 401 && answer.code === 'AUTH_REQUIRED' && item.role !== 'anonymous') dead.add(item.role);
        });
        for (const role of dead) await world.heal(role);
        batch.forEach((item, i) => {
          const answer = answers[i] as Answer;
          const label = `${describeRequest(item)} → ${answer.status} ${String(answer.code)}`;
          expect(answer.status, label).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.code, label).toMatch(/^(?!FST_|INTERNAL_ERROR$)[A-Z][A-Z0-9_]+$/);
        });
      }),
      { numRuns: Math.ceil(REQUESTS / BATCH), ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
    );
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    // Enough requests got past validation to reach the services, not only the schemas.
    const successes = [...statuses].filter(([status]) => status < 300).reduce((sum, [, count]) => sum + count, 0);
    expect(successes).toBeGreaterThan(REQUESTS / 20);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(server.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  }, 15 * 60_000);
});
