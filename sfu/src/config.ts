import net from 'node:net';
import os from 'node:os';

/** TURN relay offered to clients that cannot reach the SFU's UDP/TCP port directly. */
export interface TurnConfig {
  urls: string[];
  username: string;
  credential: string;
}

/** Validated SFU settings. */
export interface SfuConfig {
  /** mediasoup worker processes; each is single-threaded, so one per core. */
  numWorkers: number;
  /** Address the WebRtcServers bind to. */
  listenIp: string;
  /**
   * Public address written into ICE candidates. Needed whenever `listenIp` is
   * a wildcard or a private address behind NAT; null announces `listenIp`.
   */
  announcedIp: string | null;
  /**
   * UDP+TCP port of worker 0's WebRtcServer; worker i uses `port + i`. One port
   * per worker for all transports keeps the firewall rule to a small fixed range.
   */
  port: number;
  turn: TurnConfig | null;
  /** A room that nobody joins within this many milliseconds of its creation closes itself. */
  joinTimeoutMs: number;
}

/** Thrown by {@link loadSfuConfig}; `variable` names the offending environment variable. */
export class SfuConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid SFU configuration: ${variable} ${detail}`);
    this.name = 'SfuConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new SfuConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new SfuConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function ip(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  // mediasoup 3.12 accepts only literal addresses here, not host names.
  if (net.isIP(raw) === 0) throw new SfuConfigError(name, `must be an IPv4 or IPv6 address, got "${raw}"`);
  return raw;
}

function turnConfig(env: Env): TurnConfig | null {
  const raw = env.TURN_URLS;
  if (raw === undefined || raw.trim() === '') return null;
  const urls = raw
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const u of urls) {
    if (!/^turns?:[^\s]+$/.test(u)) throw new SfuConfigError('TURN_URLS', `entries must be turn: or turns: URLs, got "${u}"`);
  }
  // TURN without credentials is an open relay; refuse rather than guess.
  const username = env.TURN_USERNAME;
  if (!username) throw new SfuConfigError('TURN_USERNAME', 'is required when TURN_URLS is set');
  const credential = env.TURN_CREDENTIAL;
  if (!credential) throw new SfuConfigError('TURN_CREDENTIAL', 'is required when TURN_URLS is set');
  return { urls, username, credential };
}

/**
 * Reads SFU_WORKERS, SFU_LISTEN_IP, SFU_ANNOUNCED_IP, SFU_PORT, SFU_JOIN_TIMEOUT_MS,
 * TURN_URLS (comma separated), TURN_USERNAME and TURN_CREDENTIAL.
 *
 * @throws SfuConfigError naming the first bad variable.
 */
export function loadSfuConfig(env: Env = process.env): SfuConfig {
  const numWorkers = int(env, 'SFU_WORKERS', Math.max(1, os.cpus().length), 1, 256);
  const port = int(env, 'SFU_PORT', 40000, 1, 65535);
  if (port + numWorkers - 1 > 65535) {
    throw new SfuConfigError('SFU_PORT', `leaves no room for ${numWorkers} workers (ports ${port}..${port + numWorkers - 1})`);
  }
  return {
    numWorkers,
    listenIp: ip(env, 'SFU_LISTEN_IP') ?? '0.0.0.0',
    announcedIp: ip(env, 'SFU_ANNOUNCED_IP'),
    port,
    turn: turnConfig(env),
    joinTimeoutMs: int(env, 'SFU_JOIN_TIMEOUT_MS', 60_000, 1_000, 3_600_000),
  };
}
