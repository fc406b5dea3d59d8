import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ServiceContext } from '../context.ts';
import { answer, parseRequest, toCommandError } from './commands.ts';
import type { CommandResponse } from './spec.ts';

/**
 * The running server's admin channel: a Unix socket (mode 0600, so only the user the server
 * runs as — and root — can connect) on which the admin CLI forwards its commands while the
 * server holds the PGlite data folder. Protocol: one JSON line in (`{command, options}`), one
 * JSON line out (`{ok: true, result}` or `{ok: false, error: {code, message}}`), then the
 * server closes the connection. Commands run with the server's own service context, so their
 * writes (and events) are seen at once.
 */

const MAX_REQUEST_BYTES = 64 * 1024;
const IDLE_TIMEOUT_MS = 30_000;

export interface AdminChannel {
  readonly socketPath: string;
  close(): Promise<void>;
}

/** Creates the folder of a socket outside the data folder (long paths) as private to this user. */
function ensurePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(folder);
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new Error(`${folder} must belong to this user and be private (mode 0700)`);
  }
}

/** Removes a socket left by a previous server (the caller holds the data folder's lock); refuses to remove anything else. */
function removeOldSocket(socketPath: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket; remove it`);
  fs.rmSync(socketPath, { force: true });
}

/** Serves one connection: one request line, one answer line. Resolves when the answer is written. */
function handle(connection: net.Socket, ctx: ServiceContext, busy: Set<net.Socket>): void {
  let buffered = '';
  let received = false;
  connection.setEncoding('utf8');
  connection.setTimeout(IDLE_TIMEOUT_MS, () => connection.destroy());
  connection.on('error', () => {});
  const reply = (response: CommandResponse) => {
    busy.delete(connection);
    if (!connection.destroyed) connection.end(`${JSON.stringify(response)}\n`);
  };
  connection.on('data', (chunk: string) => {
    if (received) return; // one request per connection; anything after it is ignored
    buffered += chunk;
    const newline = buffered.indexOf('\n');
    if (newline < 0) {
      if (buffered.length > MAX_REQUEST_BYTES) {
        received = true;
        reply({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'request too large' } });
      }
      return;
    }
    received = true;
    busy.add(connection);
    void (async () => {
      let response: CommandResponse;
      try {
        const request = parseRequest(JSON.parse(buffered.slice(0, newline)));
        response = await answer(ctx, request);
        ctx.log.info({ command: request.command, ok: response.ok, ...(response.ok ? {} : { code: response.error.code }) }, 'admin | command');
      } catch (error) {
        response = { ok: false, error: error instanceof SyntaxError ? { code: 'VALIDATION_FAILED', message: 'request is not valid JSON' } : toCommandError(error) };
      }
      reply(response);
    })();
  });
}

/** Listens on `socketPath` (replacing a stale socket) with mode 0600. */
export async function startAdminChannel(options: { socketPath: string; ctx: ServiceContext; dataFolder: string }): Promise<AdminChannel> {
  const { socketPath, ctx } = options;
  if (path.dirname(socketPath) !== options.dataFolder) ensurePrivateFolder(path.dirname(socketPath));
  removeOldSocket(socketPath);
  const connections = new Set<net.Socket>();
  /** Connections whose command is running: a shutdown lets them finish and answer. */
  const busy = new Set<net.Socket>();
  const server = net.createServer((connection) => {
    connections.add(connection);
    connection.on('close', () => connections.delete(connection));
    handle(connection, ctx, busy);
  });
  // The socket file is created with mode 0600 from the start (no window in which others may
  // connect): the umask applies to bind(), which runs synchronously inside listen().
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const previousUmask = process.umask(0o177);
  try {
    server.listen(socketPath);
  } finally {
    process.umask(previousUmask);
  }
  await listening;
  fs.chmodSync(socketPath, 0o600);
  return {
    socketPath,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) if (!busy.has(connection)) connection.destroy();
      await closed;
      fs.rmSync(socketPath, { force: true });
    },
  };
}
