import { randomUUID, createHmac } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import absencesRoutes from './absences/routes.ts';
import accountsRoutes from './accounts/routes.ts';
import { expireAnonymous } from './accounts/service.ts';
import agenciesRoutes from './agencies/routes.ts';
import { ErrorBody } from './common/schemas.ts';
import type { Config } from './config.ts';
import type { ServiceContext } from './context.ts';
import type { Database } from './db/database.ts';
import { Errors } from './errors.ts';
import messagesRoutes from './messages/routes.ts';
import authPlugin from './plugins/auth.ts';
import errorsPlugin from './plugins/errors.ts';
import type { EventBus } from './realtime/bus.ts';
import { MemoryBus } from './realtime/memory-bus.ts';
import threadsRoutes from './threads/routes.ts';

export interface BuildOptions {
  config: Config;
  /** An open, migrated database. The app does not close it: its owner does. */
  database: Database;
  /** Fan-out bus; defaults to the in-process bus. The app closes it on shutdown. */
  bus?: EventBus;
  /** Shared Redis connection for rate limits across instances. */
  redis?: Redis | null;
  logger?: FastifyServerOptions['logger'];
  /** How often idle anonymous seekers are swept; 0 disables the timer (tests call it directly). */
  anonymousSweepMs?: number;
}

const BODY_LIMIT_BYTES = 256 * 1024;

/** The whole application as one Fastify instance that has not started listening. */
export async function buildApp(options: BuildOptions) {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bus = options.bus ?? new MemoryBus();
  const ctx: ServiceContext = { db: options.database.db, bus, config, log: app.log };

  await app.register(
    fp(
      async (instance) => {
        instance.decorate('ctx', ctx);
      },
      { name: 'context' },
    ),
  );
  await app.register(errorsPlugin);
  app.addSchema(ErrorBody);
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(rateLimit, {
    global: false,
    ...(options.redis ? { redis: options.redis, nameSpace: 'counsel-rl:' } : {}),
    // Buckets are keyed by a keyed hash of the address, so not even Redis holds seeker IPs.
    keyGenerator: (request) => createHmac('sha256', config.serverSecret).update(request.ip).digest('base64url').slice(0, 22),
    errorResponseBuilder: (_request, context) => Errors.RATE_LIMITED(context.after),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Counselling server API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(authPlugin);

  app.get('/healthz', {
    schema: {
      tags: ['health'],
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), 503: Type.Ref('ErrorBody') },
    },
    handler: async () => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch {
        throw Errors.DATABASE_UNAVAILABLE();
      }
      return { status: 'ok' as const, database: options.database.kind };
    },
  });

  await app.register(accountsRoutes);
  await app.register(agenciesRoutes);
  await app.register(threadsRoutes);
  await app.register(messagesRoutes);
  await app.register(absencesRoutes);

  const sweepMs = options.anonymousSweepMs ?? 60_000;
  if (sweepMs > 0) {
    const timer = setInterval(() => {
      expireAnonymous(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'expireAnonymous | sweep failed'));
    }, sweepMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.addHook('onClose', async () => bus.close());
  return app;
}

export type AppInstance = Awaited<ReturnType<typeof buildApp>>;
