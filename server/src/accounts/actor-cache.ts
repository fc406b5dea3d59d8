import type { Actor } from '../context.ts';

const MAX_ENTRIES = 50_000;

/**
 * A short-lived map from token hash to actor, so that the hot path does not look the token up
 * on every request. Logout and account deletion evict entries on every instance (through the
 * bus), so the TTL only bounds staleness if an eviction event is lost.
 */
export class ActorCache {
  readonly #ttlMs: number;
  readonly #entries = new Map<string, { actor: Actor; expiresAt: number }>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  get(tokenHash: string): Actor | null {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return null;
    if (entry.expiresAt < Date.now()) {
      this.#entries.delete(tokenHash);
      return null;
    }
    return entry.actor;
  }

  set(tokenHash: string, actor: Actor): void {
    if (this.#ttlMs <= 0) return;
    // Map keeps insertion order: the first key is the oldest entry.
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(tokenHash, { actor, expiresAt: Date.now() + this.#ttlMs });
  }

  evictToken(tokenHash: string): void {
    this.#entries.delete(tokenHash);
  }

  evictUsers(userIds: string[]): void {
    const ids = new Set(userIds);
    for (const [hash, entry] of this.#entries) if (ids.has(entry.actor.id)) this.#entries.delete(hash);
  }
}
