import type { MessageView } from './api-types.ts';
import type { DecryptedMessage } from './client.ts';
import type { RealtimeConnection, RealtimeEvent } from './transport/realtime.ts';

type Decrypt = (threadId: string, messages: MessageView[]) => Promise<DecryptedMessage[]>;

/** Real-time view for one client: decrypted messages in order, plus inbox and thread events. */
export class LiveSession {
  readonly connection: RealtimeConnection;
  readonly #decrypt: Decrypt;
  readonly #listeners = new Set<(message: DecryptedMessage) => void>();
  // Decryption is async; one chain keeps the delivery order the connection established.
  #chain: Promise<void> = Promise.resolve();

  constructor(connection: RealtimeConnection, decrypt: Decrypt) {
    this.connection = connection;
    this.#decrypt = decrypt;
    connection.onMessage((message) => {
      this.#chain = this.#chain
        .then(async () => {
          const [decrypted] = await this.#decrypt(message.threadId, [message]);
          if (decrypted) for (const listener of this.#listeners) listener(decrypted);
        })
        // A failed refresh (network) must not stall every later message.
        .catch(() => {});
    });
  }

  /** Resolves once the server accepted the token; rejects with `ApiError(401, …)` when it refused it. */
  ready(): Promise<void> {
    return this.connection.ready();
  }

  track(threadId: string, lastSeq = 0): void {
    this.connection.track(threadId, lastSeq);
  }

  onMessage(listener: (message: DecryptedMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Inbox, thread, presence and call events. `{ type: 'auth.failed', code }` means the token was
   * refused or later revoked (logout, account deleted): the session has stopped for good and
   * `ready()` rejects with `ApiError(401, code)`; log in again and open a new session.
   */
  onEvent(listener: (event: RealtimeEvent) => void): () => void {
    return this.connection.onEvent(listener);
  }

  close(): void {
    this.connection.close();
  }
}
