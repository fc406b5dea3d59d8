import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventBus } from './bus.ts';
import type { DomainEvent } from './events.ts';

const CHANNEL = 'counsel:events';

interface Envelope {
  origin: string;
  event: DomainEvent;
}

/**
 * Fan-out across instances through Redis pub/sub. Local subscribers are served directly, so a
 * single instance keeps working while Redis is down; other instances get the event via Redis.
 * After Redis comes back, `onRecovered` listeners run (clients are told to resync).
 */
export class RedisBus implements EventBus {
  readonly #origin = randomUUID();
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #handlers = new Set<(event: DomainEvent) => void>();
  readonly #recovered = new Set<() => void>();
  #lost = false;

  constructor(url: string) {
    const options = { maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, 1000) };
    // No offline queue on the publisher: a send must not wait for Redis, it is already durable.
    this.#pub = new Redis(url, { ...options, enableOfflineQueue: false, lazyConnect: false });
    this.#sub = new Redis(url, options);
    for (const connection of [this.#pub, this.#sub]) {
      connection.on('error', () => {
        this.#lost = true;
      });
      connection.on('close', () => {
        this.#lost = true;
      });
    }
    this.#sub.on('ready', () => {
      if (this.#lost) {
        this.#lost = false;
        for (const listener of this.#recovered) listener();
      }
    });
    this.#sub.on('message', (_channel: string, raw: string) => {
      let envelope: Envelope;
      try {
        envelope = JSON.parse(raw) as Envelope;
      } catch {
        return;
      }
      if (envelope.origin !== this.#origin) this.#deliver(envelope.event);
    });
    void this.#sub.subscribe(CHANNEL).catch(() => {});
  }

  /** Resolves once both connections are ready (tests and start-up). */
  async ready(): Promise<void> {
    const wait = (connection: Redis) =>
      connection.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => connection.once('ready', () => resolve()));
    await Promise.all([wait(this.#pub), wait(this.#sub)]);
  }

  #deliver(event: DomainEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch {
        /* handlers report their own errors */
      }
    }
  }

  async publish(event: DomainEvent): Promise<void> {
    this.#deliver(event);
    await this.#pub.publish(CHANNEL, JSON.stringify({ origin: this.#origin, event } satisfies Envelope));
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Runs after a lost Redis connection is back. */
  onRecovered(listener: () => void): () => void {
    this.#recovered.add(listener);
    return () => this.#recovered.delete(listener);
  }

  /** The publishing connection, shared for rate limits and presence. */
  get client(): Redis {
    return this.#pub;
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}
