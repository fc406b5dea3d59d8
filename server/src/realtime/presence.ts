import type { Redis } from 'ioredis';

/** Who is connected right now, across instances. */
export interface PresenceStore {
  connected(userId: string, connectionId: string): Promise<void>;
  disconnected(userId: string, connectionId: string): Promise<void>;
  /** Called on every heartbeat so that a crashed instance's connections expire. */
  refresh(userId: string, connectionId: string): Promise<void>;
  /** How many of these users have at least one live connection. */
  countOnline(userIds: string[]): Promise<number>;
}

/** Presence of a single instance. */
export class MemoryPresence implements PresenceStore {
  readonly #connections = new Map<string, Set<string>>();
  async connected(userId: string, connectionId: string) {
    const set = this.#connections.get(userId) ?? new Set<string>();
    set.add(connectionId);
    this.#connections.set(userId, set);
  }
  async disconnected(userId: string, connectionId: string) {
    const set = this.#connections.get(userId);
    set?.delete(connectionId);
    if (set?.size === 0) this.#connections.delete(userId);
  }
  async refresh() {}
  async countOnline(userIds: string[]) {
    return userIds.filter((id) => this.#connections.has(id)).length;
  }
}

/**
 * Presence shared through Redis: one sorted set per user, members are connection ids scored by
 * their expiry. A connection whose instance died simply stops being refreshed and ages out.
 */
export class RedisPresence implements PresenceStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #local = new MemoryPresence();

  constructor(redis: Redis, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
  }

  async connected(userId: string, connectionId: string) {
    await this.#local.connected(userId, connectionId);
    await this.refresh(userId, connectionId);
  }

  async disconnected(userId: string, connectionId: string) {
    await this.#local.disconnected(userId, connectionId);
    await this.#redis.zrem(`presence:${userId}`, connectionId).catch(() => 0);
  }

  async refresh(userId: string, connectionId: string) {
    const key = `presence:${userId}`;
    await this.#redis
      .multi()
      .zadd(key, Date.now() + this.#ttlMs, connectionId)
      .pexpire(key, this.#ttlMs)
      .exec()
      .catch(() => null);
  }

  async countOnline(userIds: string[]) {
    if (userIds.length === 0) return 0;
    try {
      const now = Date.now();
      const pipeline = this.#redis.pipeline();
      for (const id of userIds) pipeline.zcount(`presence:${id}`, now, '+inf');
      const results = (await pipeline.exec()) ?? [];
      return results.filter(([error, count]) => !error && Number(count) > 0).length;
    } catch {
      // Redis down: this instance's own connections are the best answer available.
      return this.#local.countOnline(userIds);
    }
  }
}
