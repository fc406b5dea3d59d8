import type { EventBus } from './bus.ts';
import type { DomainEvent } from './events.ts';

/** The in-process bus for a single instance (the embedded default). */
export class MemoryBus implements EventBus {
  readonly #handlers = new Set<(event: DomainEvent) => void>();

  async publish(event: DomainEvent): Promise<void> {
    for (const handler of this.#handlers) {
      // One failing subscriber must not stop delivery to the others.
      try {
        handler(event);
      } catch {
        /* handlers report their own errors */
      }
    }
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
