import { randomUUID, createHmac } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import absencesRoutes from './absences/routes.ts';
import accountsRoutes from './accounts/routes.ts';
import { expireAnonymous } from './accounts/service.ts';
import { ActorCache } from './accounts/actor-cache.ts';
import agenciesRoutes from './agencies/routes.ts';
import { ErrorBody } from './common/schemas.ts';
import type { Config } from './config.ts';
import { publishAll, type ServiceContext } from './context.ts';
import type { SfuServer } from '../../sfu/src/index.ts';
import { VideoService } from './video/service.ts';
import { databaseHealthy, type Database } from './db/database.ts';
import { Errors } from './errors.ts';
import messagesRoutes from './messages/routes.ts';
import authPlugin from './plugins/auth.ts';
import errorsPlugin from './plugins/errors.ts';
import finiteNumbers from './plugins/finite-numbers.ts';
import { httpServerOptions } from './plugins/http-server.ts';
import { websocketErrorHandler } from './plugins/websocket-errors.ts';
import type { EventBus } from './realtime/bus.ts';
import { MemoryBus } from './realtime/memory-bus.ts';
import { RedisBus } from './realtime/redis-bus.ts';
import { RealtimeHub } from './realtime/hub.ts';
import { MemoryPresence, RedisPresence } from './realtime/presence.ts';
import { realtimeRoutes } from './realtime/routes.ts';
import { Mailer } from './notifications/mailer.ts';
import notificationsRoutes from './notifications/routes.ts';
import opsPlugin from './ops/plugin.ts';
import { closeSocketsGoingAway } from './ops/websocket-close.ts';
import threadsRoutes from './threads/routes.ts';
import webApp from './web/static.ts';

export interface BuildOptions {
  config: Config;
  /** An open, migrated database. The app does not close it: its owner does. */
  database: Database;
  /** Fan-out bus; by default Redis when `config.redisUrl` is set, else in-process. Closed with the app. */
  bus?: EventBus;
  logger?: FastifyServerOptions['logger'];
  /** How often idle anonymous seekers are swept; 0 disables the timer (tests call it directly). */
  anonymousSweepMs?: number;
  /** WebSocket heartbeat: a connection that misses one ping round is closed. */
  heartbeatMs?: number;
  /** How long a resolved bearer token is cached (evicted early on logout/deletion); 0 disables. */
  sessionCacheMs?: number;
  /** The SFU for video calls; without it video is reported unavailable and the rest runs. */
  sfu?: SfuServer | null;
  /** The built web app to serve (default `web/dist`); `false` serves the API alone. */
  webRoot?: string | false;
}

function defaultBus(config: Config): EventBus {
  return config.redisUrl ? new RedisBus(config.redisUrl) : new MemoryBus();
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
    ...httpServerOptions(config.timeouts.http),
    // While closing, requests on open keep-alive connections are still served (with
    // `Connection: close`) instead of Fastify's uncatalogued 503; readiness is red by then.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const bus = options.bus ?? defaultBus(config);
  const redis = bus instanceof RedisBus ? bus.client : null;
  const actors = new ActorCache(options.sessionCacheMs ?? 5_000);
  const ctx: ServiceContext = { db: options.database.db, actors, bus, config, log: app.log };
  bus.subscribe((event) => {
    if (event.type !== 'auth.revoked') return;
    if (event.payload.tokenHash) actors.evictToken(event.payload.tokenHash);
    if (event.payload.userIds.length > 0) actors.evictUsers(event.payload.userIds);
  });
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const presence = redis ? new RedisPresence(redis, heartbeatMs * 3) : new MemoryPresence();
  const hub = new RealtimeHub(ctx, presence, { heartbeatMs, authTimeoutMs: 10_000 });
  if (bus instanceof RedisBus) bus.onRecovered(() => hub.resyncAll());
  const video = new VideoService(ctx, options.sfu ?? null, (userIds, frame) => {
    void publishAll(ctx, [{ type: 'call.frame', payload: { userIds: [...userIds], frame } }]);
  });
  hub.video = video;

  await app.register(
    fp(
      async (instance) => {
        instance.decorate('ctx', ctx);
      },
      { name: 'context' },
    ),
  );
  await app.register(errorsPlugin);
  await app.register(finiteNumbers);
  app.addSchema(ErrorBody);
  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(rateLimit, {
    global: false,
    // Shared buckets across instances; if Redis is down the limiter lets requests through.
    ...(redis ? { redis, nameSpace: 'counsel-rl:', skipOnError: true } : {}),
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
  await app.register(websocket, { options: { maxPayload: 64 * 1024 }, preClose: closeSocketsGoingAway, errorHandler: websocketErrorHandler });
  await app.register(opsPlugin, { config, database: options.database, bus, redis, sfu: options.sfu ?? null });

  app.get('/healthz', {
    schema: {
      tags: ['health'],
      response: {
        200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), video: Type.Boolean() }),
        503: Type.Ref('ErrorBody'),
      },
    },
    handler: async () => {
      // A short ping of its own: a frozen database must not hold the health check for the statement time-outs.
      if (!(await databaseHealthy(options.database))) throw Errors.DATABASE_UNAVAILABLE();
      return { status: 'ok' as const, database: options.database.kind, video: video.available };
    },
  });

  await app.register(accountsRoutes);
  await app.register(agenciesRoutes);
  await app.register(threadsRoutes);
  await app.register(messagesRoutes);
  await app.register(absencesRoutes);
  await app.register(notificationsRoutes);
  await app.register(realtimeRoutes(hub));
  if (options.webRoot !== false) await app.register(webApp, options.webRoot ? { root: options.webRoot } : {});

  if (config.smtp) {
    const mailer = new Mailer(ctx, config.smtp);
    const stop = bus.subscribe((event) => {
      if (event.type === 'notification.created') mailer.kick();
    });
    // Retries (and rows left by an instance that stopped) are picked up periodically.
    const retry = setInterval(() => mailer.kick(), 30_000);
    retry.unref();
    mailer.kick();
    app.addHook('onClose', async () => {
      stop();
      clearInterval(retry);
      await mailer.close();
    });
  }

  const sweepMs = options.anonymousSweepMs ?? 60_000;
  if (sweepMs > 0) {
    const timer = setInterval(() => {
      expireAnonymous(ctx).catch((error: unknown) => app.log.warn({ err: error }, 'expireAnonymous | sweep failed'));
    }, sweepMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.addHook('onClose', async () => {
    video.close();
    await hub.close();
    await bus.close();
  });
  return app;
}

export type AppInstance = Awaited<ReturnType<typeof buildApp>>;
