/** Postgres (and PGlite) report a unique-constraint violation with SQLSTATE 23505. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

/**
 * The database did not answer in time or the connection to it broke; the request may be
 * retried. Thrown by the pool wrapper for time-outs that `pg` reports only as messages.
 */
export class DatabaseUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`database unavailable: ${reason}`, options);
    this.name = 'DatabaseUnavailableError';
  }
}

function sqlState(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** SQLSTATEs that mean "not now" rather than "wrong request": the server's own time-outs and connection loss. */
const UNAVAILABLE_STATES = new Set([
  '57014', // query_canceled: statement_timeout (nothing else here cancels statements)
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether an error means the database is unreachable, frozen or overloaded (→ 503, retry). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = sqlState(error);
  if (code && (UNAVAILABLE_STATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return message.includes('Connection terminated') || message.includes('connect ECONNREFUSED') || message.includes('not queryable');
}

/**
 * Class 22 (data exception: a value out of range, bad encoding, bad date) comes from a value
 * the request carried that the schemas let through; it is the client's error, not the server's.
 */
export function isDataException(error: unknown): boolean {
  return sqlState(error)?.startsWith('22') ?? false;
}
