import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { DatabaseUnavailableError } from './errors.ts';
import type { DatabaseTimeouts } from './timeouts.ts';

/** pg's own messages for its client-side time-outs (it has no error codes for them). */
const CLIENT_TIMEOUT_MESSAGES = ['Query read timeout', 'timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];

function asUnavailable(error: unknown): unknown {
  const message = error instanceof Error ? error.message : '';
  return CLIENT_TIMEOUT_MESSAGES.includes(message) ? new DatabaseUnavailableError(message, { cause: error }) : error;
}

/** A `pg` pool whose sessions carry the server-side time-outs and whose clients time out on their own. */
export function createPool(connectionString: string, max: number, timeouts: DatabaseTimeouts): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // `false` leaves a setting at the server's default (off).
    statement_timeout: timeouts.statementMs || false,
    lock_timeout: timeouts.lockMs || false,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs || false,
    query_timeout: timeouts.queryMs || false,
    connectionTimeoutMillis: timeouts.connectMs,
    // Detects a peer that vanished (network cut) on idle connections.
    keepAlive: true,
  } as pg.PoolConfig);
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return pool;
}

/**
 * The pool as Kysely sees it. A client whose statement timed out on our side still has that
 * statement in flight, and one whose session the server ended is dead: either is marked broken,
 * so its next statements (e.g. the ROLLBACK) fail at once instead of queueing behind it, and on
 * release the pool discards it.
 */
export function timeBoundPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw asUnavailable(error);
      }
      let broken: unknown = null;
      // The server may end the session while the client is checked out between statements
      // (idle_in_transaction_session_timeout, a restart). pg reports that as an 'error' event, which
      // would crash the process without a listener; it marks the connection broken instead.
      const onError = (error: Error) => {
        broken ??= new DatabaseUnavailableError(error.message, { cause: error });
      };
      client.on('error', onError);
      return {
        // Kysely calls query(sql, parameters) only; cursors are not used here.
        query: (async (sql: string, parameters: readonly unknown[]) => {
          if (broken) throw new DatabaseUnavailableError('the connection broke earlier', { cause: broken });
          try {
            return await client.query(sql, parameters as unknown[]);
          } catch (error) {
            const mapped = asUnavailable(error);
            if (mapped instanceof DatabaseUnavailableError) broken = mapped;
            throw mapped;
          }
        }) as unknown as PostgresPoolClient['query'],
        release: () => {
          client.off('error', onError);
          client.release(broken ? (broken as Error) : undefined);
        },
      };
    },
    end: () => pool.end(),
  };
}

/** Resolves `promise`, or rejects once `ms` have passed; `onLate` disposes of a result that comes too late. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, onLate?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new DatabaseUnavailableError(`${what} took longer than ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (late) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!late) reject(error);
      },
    );
  });
}

/** `select 1` through the pool, within `timeoutMs` in all (waiting for a connection included). */
export async function pingPool(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = await withDeadline(pool.connect(), timeoutMs, 'acquiring a connection', (late) => late.release());
  try {
    await client.query({ text: 'select 1', query_timeout: Math.max(1, deadline - Date.now()) } as pg.QueryConfig);
    client.release();
  } catch (error) {
    // A ping that timed out leaves its statement in flight: discard the connection.
    client.release(error instanceof Error ? error : new Error(String(error)));
    throw asUnavailable(error);
  }
}
