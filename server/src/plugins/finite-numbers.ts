import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Errors } from '../errors.ts';

/** The first number in a (shallow) query or parameter object that is not finite, by name. */
function nonFinite(values: unknown): string | null {
  if (typeof values !== 'object' || values === null) return null;
  for (const [name, value] of Object.entries(values)) {
    const items = Array.isArray(value) ? value : [value];
    if (items.some((item) => typeof item === 'number' && !Number.isFinite(item))) return name;
  }
  return null;
}

/**
 * Ajv coerces a query string such as `limit=1e400` or `Infinity` to `Infinity` and then skips
 * `minimum`/`maximum`, which only look at finite numbers, so the value passed validation and
 * reached Postgres (500). JSON bodies cannot carry such a number past an integer schema; query
 * strings and path parameters can, so they are checked after validation for every route.
 */
async function finiteNumbers(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', async (request) => {
    const query = nonFinite(request.query);
    if (query) throw Errors.VALIDATION_FAILED(`querystring/${query} must be a finite number`);
    const param = nonFinite(request.params);
    if (param) throw Errors.VALIDATION_FAILED(`params/${param} must be a finite number`);
  });
}

export default fp(finiteNumbers, { name: 'finite-numbers' });
