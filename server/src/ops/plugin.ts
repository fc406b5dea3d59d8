import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { SfuServer } from '../../../sfu/src/index.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../realtime/bus.ts';
import { instrumentBus, instrumentHttp, watchOutbox, watchPool, watchSfu, watchWebSockets } from './instrument.ts';
import { AppMetrics } from './metrics.ts';
import { metricsRoute } from './metrics-route.ts';
import { probeRoutes } from './probes.ts';
import { Readiness } from './readiness.ts';

export interface OpsOptions {
  config: Config;
  database: Database;
  bus: EventBus;
  redis: Redis | null;
  sfu: SfuServer | null;
}

/** Metrics, liveness and readiness probes; readiness turns red as soon as the app starts closing. */
async function opsPlugin(app: FastifyInstance, options: OpsOptions): Promise<void> {
  const { ops } = options.config;
  // The event-loop delay is measured for readiness only: requests are never refused for it
  // here (the handler lets them through), a balancer stops sending once /readyz is red.
  await app.register(underPressure, { maxEventLoopDelay: ops.maxEventLoopDelayMs, pressureHandler: () => undefined });

  const metrics = new AppMetrics();
  instrumentHttp(app, metrics);
  const stopLag = instrumentBus(options.bus, metrics);
  watchWebSockets(app, metrics);
  watchOutbox(options.database.db, metrics, ops.readyTimeoutMs);
  if (options.database.pool) watchPool(options.database.pool, metrics);
  if (options.sfu) watchSfu(options.sfu, metrics);

  const readiness = new Readiness({
    db: options.database.db,
    redis: options.redis,
    sfu: options.sfu,
    overloaded: () => app.isUnderPressure(),
    timeoutMs: ops.readyTimeoutMs,
  });
  app.addHook('preClose', async () => readiness.drain());
  app.addHook('onClose', async () => stopLag());

  await app.register(probeRoutes(readiness));
  await app.register(metricsRoute(metrics, ops.metricsToken));
}

export default fp(opsPlugin, { name: 'ops', dependencies: ['errors'] });
