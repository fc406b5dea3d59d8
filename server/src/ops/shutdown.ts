import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { SfuServer } from '../../../sfu/src/index.ts';
import type { Database } from '../db/database.ts';

/** What a running server owns, in the order it is closed. */
export interface RunningParts {
  app: FastifyInstance;
  /** The PGlite admin socket, when this process holds the data folder. */
  adminChannel: { close(): Promise<void> } | null;
  sfu: SfuServer | null;
  database: Database;
}

/**
 * Closes everything in the order that loses nothing. `app.close()` turns readiness red and
 * sends close code 1001 to every WebSocket (preClose), stops accepting connections and waits
 * for the requests in flight (a send is acknowledged only after its commit), then its onClose
 * hooks let the mailer finish the outbox batch it is sending and close the hub and the bus.
 * The SFU and the database pools go last, once nothing can use them.
 */
export async function shutDown(parts: RunningParts): Promise<void> {
  await parts.adminChannel?.close();
  await parts.app.close();
  parts.sfu?.close();
  await parts.database.close();
}

/**
 * On SIGTERM or SIGINT (and on an uncaught error, after logging it) the server shuts down
 * gracefully; past `timeoutMs`, or on a second signal, it exits at once with code 1.
 */
export function closeOnSignals(parts: RunningParts, timeoutMs: number): void {
  const log = parts.app.log;
  closeWithGrace(
    {
      delay: timeoutMs,
      logger: { error: (message: unknown) => log.error({ detail: String(message) }, 'shutdown | forced') },
      onTimeout: (delay) => log.error({ timeoutMs: delay }, 'shutdown | not finished in time, exiting'),
    },
    async ({ signal, err }) => {
      if (err) log.fatal({ err }, 'shutdown | uncaught error, closing');
      else log.info({ signal }, 'shutdown | closing');
      await shutDown(parts);
      log.info('shutdown | closed');
    },
  );
}
