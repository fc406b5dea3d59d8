import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';

/** The Fastify instance as routes see it: TypeBox schemas give both validation and types. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Per-route rate limit for endpoints that create accounts or sessions. */
export function authRateLimit(app: FastifyInstance) {
  return {
    rateLimit: { max: app.ctx.config.rateLimitAuthMax, timeWindow: app.ctx.config.rateLimitWindowSeconds * 1000 },
  };
}
