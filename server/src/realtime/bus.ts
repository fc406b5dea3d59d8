import type { DomainEvent } from './events.ts';

/**
 * The fan-out contract between server instances. Implementations: the in-process
 * {@link MemoryBus} for a single instance and the Redis bus for several.
 */
export interface EventBus {
  /** Delivers the event to every subscriber on every instance, this one included. */
  publish(event: DomainEvent): Promise<void>;
  /** Registers a handler; returns the function that removes it. */
  subscribe(handler: (event: DomainEvent) => void): () => void;
  close(): Promise<void>;
}
