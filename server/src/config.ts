import { randomBytes } from 'node:crypto';

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
}

export interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: string;
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
