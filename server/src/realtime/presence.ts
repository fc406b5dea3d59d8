import type { Redis } from 'ioredis';

/** Who is connected right now, across instances. */
export interface PresenceStore {
  connected(userId: string, connectionId: string): Promise<void>;
  disconnected(userId: string, connectionId: string): Promise<void>;
  /** Called on every heartbeat so that a crashed instance's connections expire. */
  refresh(userId: string, connectionId: string): Promise<void>;
  /** How many of these users have at least one live connection. */
  countOnline(userIds: string[]): Promise<number>;
  /** Shared stores: called with the users whose connections were announced again after the store was away. */
  onRestored?(listener: (userIds: string[]) => void): void;
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
    return userIds.filter((id) => this.isOnline(id)).length;
  }
  isOnline(userId: string): boolean {
    return this.#connections.has(userId);
  }
  /** Every (user, connection) pair held here. */
  connections(): Array<[userId: string, connectionId: string]> {
    return [...this.#connections].flatMap(([userId, ids]) => [...ids].map((id): [string, string] => [userId, id]));
  }
}

/**
 * Presence shared through Redis: one sorted set per user, members are connection ids scored by
 * their expiry. A connection whose instance died simply stops being refreshed and ages out.
 *
 * This instance's own connections always count, whatever Redis says: while Redis is down (or
 * before it has heard of a connection made during an outage) it cannot know them. Users on other
 * instances count from Redis, or, while Redis does not answer, from the last answer it gave,
 * until that answer would have expired. When the connection to Redis is back, this instance's
 * connections are announced again at once instead of at the next heartbeat.
 */
export class RedisPresence implements PresenceStore {
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #local = new MemoryPresence();
  /** User id → until when Redis last said the user was online (for the time Redis is down). */
  readonly #lastKnown = new Map<string, number>();
  readonly #restored = new Set<(userIds: string[]) => void>();

  constructor(redis: Redis, ttlMs: number) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
    // 'ready' follows every (re)connection; at the first one nobody is connected here yet.
    redis.on('ready', () => void this.#announceAgain());
  }

  onRestored(listener: (userIds: string[]) => void): void {
    this.#restored.add(listener);
  }

  async #announceAgain(): Promise<void> {
    const connections = this.#local.connections();
    if (connections.length === 0) return;
    await Promise.all(connections.map(([userId, connectionId]) => this.refresh(userId, connectionId)));
    const userIds = [...new Set(connections.map(([userId]) => userId))];
    for (const listener of this.#restored) listener(userIds);
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
    const now = Date.now();
    const remote = await this.#remoteCounts(userIds, now);
    let online = 0;
    for (const [i, id] of userIds.entries()) {
      const count = remote[i];
      if (count !== undefined && count !== null) {
        if (count > 0) this.#lastKnown.set(id, now + this.#ttlMs);
        else this.#lastKnown.delete(id);
      }
      const known = count === undefined || count === null ? (this.#lastKnown.get(id) ?? 0) > now : count > 0;
      if (this.#local.isOnline(id) || known) online += 1;
    }
    return online;
  }

  /** Live connections per user according to Redis; null where Redis did not answer. */
  async #remoteCounts(userIds: string[], now: number): Promise<Array<number | null>> {
    try {
      const pipeline = this.#redis.pipeline();
      for (const id of userIds) pipeline.zcount(`presence:${id}`, now, '+inf');
      // ioredis reports a failed command inside the results instead of rejecting.
      const results = (await pipeline.exec()) ?? [];
      return userIds.map((_, i) => {
        const [error, count] = results[i] ?? [new Error('no reply'), null];
        return error ? null : Number(count);
      });
    } catch {
      return userIds.map(() => null);
    }
  }
}
