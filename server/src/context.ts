import type { FastifyBaseLogger } from 'fastify';
import type { ActorCache } from './accounts/actor-cache.ts';
import type { Config } from './config.ts';
import type { Db } from './db/schema.ts';
import type { EventBus } from './realtime/bus.ts';
import type { DomainEvent } from './realtime/events.ts';

/** What every service function gets first: the connection, the bus, the configuration. */
export interface ServiceContext {
  db: Db;
  /** Token → actor, evicted on logout and deletion across instances. */
  actors: ActorCache;
  bus: EventBus;
  config: Config;
  log: FastifyBaseLogger;
}

/** The authenticated caller. */
export interface Actor {
  id: string;
  role: 'seeker' | 'counsellor' | 'admin';
  isAnonymous: boolean;
}

/**
 * Publishes after the commit. A bus failure (Redis down) is logged, not thrown: the data
 * is already durable and clients catch up by sequence number.
 */
export async function publishAll(ctx: ServiceContext, events: DomainEvent[]): Promise<void> {
  for (const event of events) {
    try {
      await ctx.bus.publish(event);
    } catch (error) {
      ctx.log.warn({ err: error, type: event.type }, 'publish | event not fanned out');
    }
  }
}
