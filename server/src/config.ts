import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_TIMEOUTS as DB_DEFAULTS, type DatabaseTimeouts } from './db/timeouts.ts';
import { DEFAULT_REALTIME_LIMITS as WS_DEFAULTS, type RealtimeLimits } from './realtime/limits.ts';

/** Validated runtime configuration, read once from the environment at start. */
export interface Config {
  host: string;
  port: number;
  /** Postgres URL; when null the embedded PGlite in `dataDir` serves. */
  databaseUrl: string | null;
  dataDir: string;
  dbPoolSize: number;
  /** Redis URL for cross-instance fan-out and shared rate limits; null means in-process. */
  redisUrl: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Anonymous seekers idle this long are deleted with their threads. */
  anonIdleTtlSeconds: number;
  tokenTtlSeconds: number;
  rateLimitAuthMax: number;
  rateLimitWindowSeconds: number;
  /** Keys rate-limit buckets and fake pre-login salts; never logged. */
  serverSecret: Buffer;
  publicUrl: string;
  smtp: SmtpConfig | null;
  trustProxy: boolean;
  /** How long the database and HTTP clients may keep a request waiting (0 switches one off). */
  timeouts: { database: DatabaseTimeouts; http: HttpTimeouts };
  /** Metrics, probes and shutdown (`server/src/ops`). */
  ops: OpsConfig;
  /** What one WebSocket client may cost the instance (frames, connections, buffers). */
  realtime: RealtimeLimits;
}

export interface OpsConfig {
  /** Bearer token that `GET /metrics` requires; null turns the endpoint off. */
  metricsToken: string | null;
  /** How long a graceful shutdown may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  /** How long `/readyz` waits for the database and Redis to answer a ping. */
  readyTimeoutMs: number;
  /** Mean event-loop delay above which `/readyz` reports the instance as overloaded. */
  maxEventLoopDelayMs: number;
}

/** Node's HTTP server limits, so that a slow or silent client cannot hold a connection for long. */
export interface HttpTimeouts {
  /** Receiving a whole request, body included (`requestTimeout`): a slow body is answered 408. */
  requestMs: number;
  /** Receiving the request line and headers (`headersTimeout`): a slow header sender is answered 408. */
  headersMs: number;
  /** An idle keep-alive connection between requests is closed after this long (`keepAliveTimeout`). */
  keepAliveMs: number;
  /** A connection on which nothing is sent or received this long is closed (`connectionTimeout`). */
  idleMs: number;
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
  /** Each SMTP phase (connect, greeting, every later answer) waits at most this long. */
  timeoutMs: number;
  /**
   * Whether e-mails name the topic and the agency. Off by default: every mail server on the way
   * reads the subject and body, and a topic ("Addiction") or a specialised agency says what the
   * seeker's trouble is.
   */
  includeTopic: boolean;
}

/** Thrown when a variable has a bad value; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    // The value may hold a password, so it is not echoed back.
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use one of ${protocols.join(', ')}`);
  }
  return raw;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function smtpConfig(env: Env): SmtpConfig | null {
  const host = env.SMTP_HOST;
  if (host === undefined || host === '') return null;
  const from = env.SMTP_FROM ?? 'counselling@localhost';
  if (!/^[^@\s]+@[^@\s]+$/.test(from.replace(/^.*<(.*)>$/, '$1'))) {
    throw new ConfigError('SMTP_FROM', 'must be an e-mail address');
  }
  return {
    host,
    port: int(env, 'SMTP_PORT', 587, 1, 65535),
    secure: bool(env, 'SMTP_SECURE', false),
    user: env.SMTP_USER || null,
    password: env.SMTP_PASSWORD || null,
    from,
    timeoutMs: int(env, 'SMTP_TIMEOUT_MS', 30_000, 100, 600_000),
    includeTopic: bool(env, 'MAIL_INCLUDE_TOPIC', false),
  };
}

function opsConfig(env: Env): OpsConfig {
  const metricsToken = env.METRICS_TOKEN || null;
  if (metricsToken !== null && !/^[\x21-\x7e]{16,200}$/.test(metricsToken)) {
    // The value is a secret, so it is not echoed back.
    throw new ConfigError('METRICS_TOKEN', 'must be 16 to 200 printable characters without spaces');
  }
  return {
    metricsToken,
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 8_000, 100, 600_000),
    readyTimeoutMs: int(env, 'READY_TIMEOUT_MS', 2_000, 50, 60_000),
    maxEventLoopDelayMs: int(env, 'READY_MAX_EVENT_LOOP_DELAY_MS', 1_000, 10, 60_000),
  };
}

const MAX_TIMEOUT_MS = 3_600_000;

function databaseTimeouts(env: Env): DatabaseTimeouts {
  const timeouts = {
    statementMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', DB_DEFAULTS.statementMs, 0, MAX_TIMEOUT_MS),
    lockMs: int(env, 'DB_LOCK_TIMEOUT_MS', DB_DEFAULTS.lockMs, 0, MAX_TIMEOUT_MS),
    idleInTransactionMs: int(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', DB_DEFAULTS.idleInTransactionMs, 0, MAX_TIMEOUT_MS),
    connectMs: int(env, 'DB_CONNECT_TIMEOUT_MS', DB_DEFAULTS.connectMs, 0, MAX_TIMEOUT_MS),
    queryMs: int(env, 'DB_QUERY_TIMEOUT_MS', DB_DEFAULTS.queryMs, 0, MAX_TIMEOUT_MS),
  };
  // Postgres should cancel a slow statement (cleanly) before the client gives up on its connection.
  if (timeouts.queryMs > 0 && timeouts.statementMs > 0 && timeouts.queryMs <= timeouts.statementMs) {
    throw new ConfigError('DB_QUERY_TIMEOUT_MS', `must be above DB_STATEMENT_TIMEOUT_MS (${timeouts.statementMs})`);
  }
  return timeouts;
}

function httpTimeouts(env: Env): HttpTimeouts {
  const timeouts = {
    requestMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 0, MAX_TIMEOUT_MS),
    headersMs: int(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 0, MAX_TIMEOUT_MS),
    keepAliveMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, MAX_TIMEOUT_MS),
    idleMs: int(env, 'HTTP_IDLE_TIMEOUT_MS', 60_000, 0, MAX_TIMEOUT_MS),
  };
  // Node refuses a headers time-out longer than the whole request's.
  if (timeouts.requestMs > 0 && timeouts.headersMs > timeouts.requestMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', `must not exceed HTTP_REQUEST_TIMEOUT_MS (${timeouts.requestMs})`);
  }
  return timeouts;
}

function realtimeLimits(env: Env): RealtimeLimits {
  return {
    frameRate: int(env, 'WS_FRAME_RATE', WS_DEFAULTS.frameRate, 1, 100_000),
    frameBurst: int(env, 'WS_FRAME_BURST', WS_DEFAULTS.frameBurst, 1, 100_000),
    userFrameRate: int(env, 'WS_USER_FRAME_RATE', WS_DEFAULTS.userFrameRate, 1, 100_000),
    userFrameBurst: int(env, 'WS_USER_FRAME_BURST', WS_DEFAULTS.userFrameBurst, 1, 100_000),
    maxConnectionsPerUser: int(env, 'WS_MAX_CONNECTIONS_PER_USER', WS_DEFAULTS.maxConnectionsPerUser, 1, 10_000),
    maxWatchedAgencies: int(env, 'WS_MAX_WATCHED_AGENCIES', WS_DEFAULTS.maxWatchedAgencies, 1, 10_000),
    sendBufferBytes: int(env, 'WS_SEND_BUFFER_BYTES', WS_DEFAULTS.sendBufferBytes, 64 * 1024, 256 * 1024 * 1024),
    sendStallMs: int(env, 'WS_SEND_STALL_MS', WS_DEFAULTS.sendStallMs, 100, 600_000),
    syncPageSize: int(env, 'WS_SYNC_PAGE_SIZE', WS_DEFAULTS.syncPageSize, 1, 1_000),
  };
}

/** Reads and validates the configuration; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const secretRaw = env.SERVER_SECRET;
  if (secretRaw !== undefined && secretRaw !== '' && secretRaw.length < 32) {
    throw new ConfigError('SERVER_SECRET', 'must be at least 32 characters');
  }
  const port = int(env, 'PORT', 3000, 0, 65535);
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`;
  return {
    host: env.HOST || '0.0.0.0',
    port,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: env.DATA_DIR || './data/pglite',
    dbPoolSize: int(env, 'DB_POOL_SIZE', 20, 1, 500),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    logLevel: logLevel as Config['logLevel'],
    anonIdleTtlSeconds: int(env, 'ANON_IDLE_TTL_SECONDS', 48 * 3600, 60, 365 * 24 * 3600),
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    rateLimitAuthMax: int(env, 'RATE_LIMIT_AUTH_MAX', 20, 1, 1_000_000),
    rateLimitWindowSeconds: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    serverSecret: secretRaw ? Buffer.from(secretRaw, 'utf8') : randomBytes(32),
    publicUrl: publicUrl.replace(/\/$/, ''),
    smtp: smtpConfig(env),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    timeouts: { database: databaseTimeouts(env), http: httpTimeouts(env) },
    ops: opsConfig(env),
    realtime: realtimeLimits(env),
  };
}

/** For entry points: the configuration, or the process stops with the message naming the variable. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
