import fs from 'node:fs';
import net from 'node:net';
import type { CommandRequest, CommandResponse } from './spec.ts';

/** The admin channel could not be used; `reason` is an errno code or a short phrase. */
export class ChannelUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`admin channel unreachable (${reason})`);
    this.name = 'ChannelUnreachableError';
  }
}

const RESPONSE_TIMEOUT_MS = 60_000;

/** Refuses a socket that another (non-root) user created: it is not our server. */
function checkOwner(socketPath: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(socketPath);
  } catch (error) {
    throw new ChannelUnreachableError((error as NodeJS.ErrnoException).code ?? 'missing');
  }
  if (!stat.isSocket()) throw new ChannelUnreachableError('not a socket');
  const uid = typeof process.getuid === 'function' ? process.getuid() : stat.uid;
  if (uid !== 0 && stat.uid !== uid) throw new ChannelUnreachableError(`socket owned by uid ${stat.uid}, not by you`);
}

/** Sends one command to the running server and waits for its answer. */
export function sendToServer(socketPath: string, request: CommandRequest): Promise<CommandResponse> {
  checkOwner(socketPath);
  return new Promise((resolve, reject) => {
    let received = '';
    let connected = false;
    const connection = net.createConnection({ path: socketPath });
    connection.setEncoding('utf8');
    connection.setTimeout(RESPONSE_TIMEOUT_MS, () => connection.destroy(new ChannelUnreachableError('no answer within 60 s')));
    connection.on('connect', () => {
      connected = true;
      connection.write(`${JSON.stringify(request)}\n`);
    });
    connection.on('data', (chunk: string) => {
      received += chunk;
    });
    connection.on('error', (error: NodeJS.ErrnoException) => {
      // Before the connection, nothing was sent: safe to retry or to fall back. After it, the
      // command may have run, so the caller must not run it again.
      reject(connected ? new Error(`the server closed the admin connection (${error.code ?? error.message}); the command may or may not have run`) : new ChannelUnreachableError(error.code ?? error.message));
    });
    connection.on('end', () => {
      const line = received.split('\n')[0] ?? '';
      try {
        const response = JSON.parse(line) as CommandResponse;
        if (typeof response !== 'object' || response === null || typeof response.ok !== 'boolean') throw new Error('malformed');
        resolve(response);
      } catch {
        reject(new Error('the server sent no valid answer; the command may or may not have run'));
      }
    });
  });
}
