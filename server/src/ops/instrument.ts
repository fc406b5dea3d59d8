import type { FastifyInstance } from 'fastify';
import type { SfuServer } from '../../../sfu/src/index.ts';
import type { PoolStats } from '../db/database.ts';
import type { Db } from '../db/schema.ts';
import type { EventBus } from '../realtime/bus.ts';
import type { DomainEvent } from '../realtime/events.ts';
import { BoundedCall } from './bounded-call.ts';
import type { AppMetrics } from './metrics.ts';
import { countPendingEmails } from './repository.ts';

/** Latency and count of every request, labelled by the route's template (`/v1/threads/:id`). */
export function instrumentHttp(app: FastifyInstance, metrics: AppMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // Unknown paths share one label: raw paths would grow without bound and can carry link codes.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

/** An event as it travels with the time it was published, for the delivery lag. */
type StampedEvent = DomainEvent & { publishedAt?: number };

/**
 * Counts and times publishes, and measures how long events take to arrive. The bus's own
 * `publish` is wrapped in place, so the instance (and checks such as `instanceof RedisBus`)
 * stays what the rest of the app holds; the timestamp rides along in the event through Redis.
 * Returns the function that stops the lag measurement.
 */
export function instrumentBus(bus: EventBus, metrics: AppMetrics): () => void {
  const publish = bus.publish.bind(bus);
  bus.publish = async (event: DomainEvent) => {
    const stamped: StampedEvent = { ...event, publishedAt: Date.now() };
    const end = metrics.busPublishDuration.startTimer();
    try {
      await publish(stamped);
      metrics.busPublished.inc({ type: event.type, outcome: 'ok' });
    } catch (error) {
      metrics.busPublished.inc({ type: event.type, outcome: 'failed' });
      throw error;
    } finally {
      end();
    }
  };
  return bus.subscribe((event: StampedEvent) => {
    if (typeof event.publishedAt !== 'number') return;
    metrics.busDeliveryLag.observe({ type: event.type }, Math.max(0, Date.now() - event.publishedAt) / 1000);
  });
}

/** Open WebSocket connections of this instance (authenticated or not yet). */
export function watchWebSockets(app: FastifyInstance, metrics: AppMetrics): void {
  metrics.gauge('counsel_websocket_connections', 'Open WebSocket connections on this instance', [], function read() {
    this.set(app.websocketServer?.clients.size ?? 0);
  });
}

/** The Postgres connection pool: connections open, idle, and requests waiting for one. */
export function watchPool(pool: PoolStats, metrics: AppMetrics): void {
  metrics.gauge('counsel_db_pool_connections', 'Postgres pool connections by state (waiting: queued requests)', ['state'], function read() {
    this.set({ state: 'total' }, pool.totalCount);
    this.set({ state: 'idle' }, pool.idleCount);
    this.set({ state: 'waiting' }, pool.waitingCount);
  });
}

/** Notification e-mails not sent yet. A database that does not answer in time leaves the last value. */
export function watchOutbox(db: Db, metrics: AppMetrics, timeoutMs: number): void {
  const count = new BoundedCall(() => countPendingEmails(db), timeoutMs);
  metrics.gauge('counsel_mail_outbox_pending', 'Notification e-mails waiting in the outbox', [], async function read() {
    const outcome = await count.run();
    if (outcome.ok) this.set(outcome.value);
  });
}

/** mediasoup workers, rooms, peers' consumers, and worker deaths. */
export function watchSfu(sfu: SfuServer, metrics: AppMetrics): void {
  sfu.on('worker-died', () => metrics.sfuWorkerDeaths.inc());
  metrics.gauge('counsel_sfu_workers', 'Live mediasoup workers', [], function read() {
    this.set(sfu.closed ? 0 : sfu.workerPids().length);
  });
  metrics.gauge('counsel_sfu_rooms', 'Open call rooms', [], function read() {
    this.set(sfu.roomCount);
  });
  metrics.gauge('counsel_sfu_consumers', 'Media consumers (forwarded streams) over all rooms', [], function read() {
    let consumers = 0;
    for (const roomId of sfu.roomIds()) {
      for (const peer of sfu.getRoom(roomId)?.peers.values() ?? []) consumers += peer.consumers.size;
    }
    this.set(consumers);
  });
}
