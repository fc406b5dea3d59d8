import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { App } from '../common/route-types.ts';
import { Errors } from '../errors.ts';
import type { AppMetrics } from './metrics.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests, so neither the length nor the content of the token leaks through timing. */
function tokenMatches(header: string | undefined, expected: Buffer): boolean {
  const presented = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), expected);
}

/**
 * `GET /metrics` in the Prometheus text format, for a scraper that sends
 * `Authorization: Bearer <METRICS_TOKEN>`. Without METRICS_TOKEN the endpoint does not exist
 * (404), so no instance exposes its figures by accident.
 */
export function metricsRoute(metrics: AppMetrics, token: string | null) {
  const expected = token === null ? null : digest(token);
  return async (app: App): Promise<void> => {
    app.get('/metrics', {
      logLevel: 'warn',
      schema: { hide: true },
      preHandler: async (request: FastifyRequest) => {
        if (!expected) throw Errors.NOT_FOUND();
        if (!tokenMatches(request.headers.authorization, expected)) throw Errors.AUTH_REQUIRED();
      },
      handler: async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()),
    });
  };
}
