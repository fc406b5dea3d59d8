// No imports: the configuration reads these defaults before anything else is loaded.

/** Time-outs on every way Postgres can keep a request waiting; 0 switches one off. */
export interface DatabaseTimeouts {
  /** Server side: a statement running longer is cancelled (`statement_timeout`). */
  statementMs: number;
  /** Server side: waiting longer for a row or table lock fails the statement (`lock_timeout`). */
  lockMs: number;
  /** Server side: a transaction left idle this long is ended with its session (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number;
  /** Client side: opening a connection, or waiting for a free one in the pool (`connectionTimeoutMillis`). */
  connectMs: number;
  /**
   * Client side: a statement without an answer this long fails and its connection is discarded. A
   * frozen or unreachable server never sends the cancellation that `statement_timeout` would.
   */
  queryMs: number;
}

/** Every statement here is short (OLTP); a frozen database answers 503 after ~12 s rather than never. */
export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  statementMs: 10_000,
  lockMs: 5_000,
  idleInTransactionMs: 30_000,
  connectMs: 5_000,
  queryMs: 12_000,
};
