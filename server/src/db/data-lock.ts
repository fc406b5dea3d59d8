import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One process at a time opens a PGlite data folder: two PGlite instances on one folder do not
 * see each other's writes and corrupt it. The owner holds `DATA_DIR/counsel.lock`, created
 * atomically (a complete temporary file hard-linked to the lock name, which fails if the name
 * exists) and holding its pid. A lock whose process is gone (crash, kill -9) is stale and taken
 * over; on another host (a container sharing the volume) pids mean nothing, so the holder touches
 * the lock as a heartbeat and an untouched one goes stale. This module only uses `node:fs`, so
 * the admin CLI can check the lock before it loads anything heavy.
 */

export const LOCK_FILE = 'counsel.lock';
/** The running server's admin channel (see server/src/cli/admin-channel.ts). */
export const ADMIN_SOCKET_FILE = 'admin.sock';
/** The holder touches its lock this often, so holders on other hosts can tell it is alive… */
const HEARTBEAT_MS = 10_000;
/** …and a lock from another host untouched this long is stale. */
const STALE_AFTER_MS = 45_000;
/** Unix socket paths are limited to 107 bytes on Linux (103 on macOS). */
const MAX_SOCKET_PATH = 100;

/** Who holds the folder: `server` (npm start) or `cli` (npm run admin / migrate). */
export type LockOwner = 'server' | 'cli';

export interface LockHolder {
  pid: number;
  owner: LockOwner;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** Start time of the process (Linux `/proc/<pid>/stat`), so a reused pid is not taken for the holder. */
  processStart: string | null;
  /** Unique per acquisition: release only removes the lock it created. */
  token: string;
}

/** The data folder is held by another live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    const who = holder.owner === 'server' ? 'the server' : 'an admin command';
    const where = holder.host === os.hostname() ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}`;
    super(`${who} (${where}, since ${holder.since}) is using DATA_DIR ${dataDir}`);
    this.name = 'DataDirLockedError';
  }
}

/** An acquired lock; `release()` is idempotent and also runs when the process exits. */
export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** The folder a `DATA_DIR` value names (PGlite also accepts `file://…`). */
export function dataFolder(dataDir: string): string {
  return path.resolve(dataDir.replace(/^file:\/\//, ''));
}

export function lockFilePath(dataDir: string): string {
  return path.join(dataFolder(dataDir), LOCK_FILE);
}

/**
 * Where the server's admin channel listens: inside the data folder, or — when that path is too
 * long for a Unix socket — in a per-user folder under the system temp directory, named after
 * the data folder. Server and CLI compute the same path.
 */
export function adminSocketPath(dataDir: string): string {
  const resolved = dataFolder(dataDir);
  const inside = path.join(resolved, ADMIN_SOCKET_FILE);
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const hash = createHash('sha256').update(resolved).digest('base64url').slice(0, 22);
  return path.join(os.tmpdir(), `counsel-${uid}`, `${hash}.sock`);
}

/** Lock files held by this very process, so a lock naming our own pid is told apart from a stale one. */
const heldHere = new Map<string, string>();

function processStartOf(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.token !== 'string') return null;
    return {
      pid: value.pid,
      owner: value.owner === 'cli' ? 'cli' : 'server',
      host: typeof value.host === 'string' ? value.host : os.hostname(),
      since: typeof value.since === 'string' ? value.since : 'unknown',
      processStart: typeof value.processStart === 'string' ? value.processStart : null,
      token: value.token,
    };
  } catch {
    return null;
  }
}

/**
 * Whether the holder's process still runs. On this host that is a pid check; a holder on another
 * host (another container on a shared volume) is alive while it keeps its heartbeat.
 */
function isHolderAlive(lockPath: string, holder: LockHolder, modifiedMs: number): boolean {
  if (holder.host !== os.hostname()) return Date.now() - modifiedMs < STALE_AFTER_MS;
  if (holder.pid === process.pid) return heldHere.get(lockPath) === holder.token;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.processStart !== null) {
    const start = processStartOf(holder.pid);
    if (start !== null && start !== holder.processStart) return false; // the pid was reused
  }
  return true;
}

type Peek = { state: 'free' } | { state: 'held'; holder: LockHolder } | { state: 'stale'; holder: LockHolder | null; text: string };

function peek(lockPath: string): Peek {
  let text: string;
  let modifiedMs: number;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
    modifiedMs = fs.statSync(lockPath).mtimeMs;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'free' };
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot read ${lockPath} (${code}): run this as the user who owns DATA_DIR`);
    throw error;
  }
  const holder = parseHolder(text);
  // An unreadable lock can only be left by hand or by a broken disk: nobody can be shown as its holder.
  if (!holder) return { state: 'stale', holder: null, text };
  return isHolderAlive(lockPath, holder, modifiedMs) ? { state: 'held', holder } : { state: 'stale', holder, text };
}

/** The live holder of the data folder, or null when it is free (or only stale-locked). Never takes the lock. */
export function readLiveHolder(dataDir: string): LockHolder | null {
  const result = peek(lockFilePath(dataDir));
  return result.state === 'held' ? result.holder : null;
}

function tryCreate(lockPath: string, content: string): boolean {
  const temporary = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // Readable by all (pid and host only), so another user learns who holds the folder.
  fs.writeFileSync(temporary, content, { mode: 0o644 });
  try {
    fs.linkSync(temporary, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Moves a stale lock out of the way. Renaming is atomic, so of two processes taking over the
 * same stale lock only one moves it; if what was moved is not the stale lock we read (someone
 * took over in between), it is put back.
 */
function removeStale(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // Someone else created a lock meanwhile; theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface AcquireOptions {
  owner: LockOwner;
  /**
   * How long to wait while the folder is held by an admin command (they take seconds) or from
   * another host (whose lock goes stale without heartbeat) before giving up. A server on this
   * host is never waited for: it holds the folder until it stops.
   */
  waitMs?: number;
  /** Called once when the lock is not free at once and waiting starts. */
  onWait?: (holder: LockHolder) => void;
}

/**
 * Takes the exclusive lock on a data folder (created if missing), taking over a stale lock.
 * @throws DataDirLockedError when another live process holds it.
 */
export async function acquireDataDirLock(dataDir: string, options: AcquireOptions): Promise<DataDirLock> {
  const resolved = dataFolder(dataDir);
  fs.mkdirSync(resolved, { recursive: true, mode: 0o700 });
  const lockPath = lockFilePath(resolved);
  const holder: LockHolder = {
    pid: process.pid,
    owner: options.owner,
    host: os.hostname(),
    since: new Date().toISOString(),
    processStart: processStartOf(process.pid),
    token: randomBytes(12).toString('base64url'),
  };
  const content = `${JSON.stringify(holder)}\n`;
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waiting = false;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(lockPath, content)) break;
    const current = peek(lockPath);
    if (current.state === 'stale') {
      removeStale(lockPath, current.text);
    } else if (current.state === 'held') {
      const localServer = current.holder.owner === 'server' && current.holder.host === holder.host;
      if (localServer || Date.now() >= deadline) throw new DataDirLockedError(resolved, current.holder);
      if (!waiting) options.onWait?.(current.holder);
      waiting = true;
      await sleep(current.holder.host === holder.host ? 100 : 1_000);
    }
    if (attempt > 100_000) throw new Error(`could not take the lock ${lockPath}`);
  }
  heldHere.set(lockPath, holder.token);
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(lockPath, now, now);
    } catch {
      // The next beat retries; a lost lock file is not recreated behind anyone's back.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    heldHere.delete(lockPath);
    try {
      if (parseHolder(fs.readFileSync(lockPath, 'utf8'))?.token === holder.token) fs.rmSync(lockPath, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return { path: lockPath, holder, release };
}
