import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Dependencies that a test owns and may kill, on free loopback ports, never the shared ones
 * (a Postgres of its own: `helpers/postgres-process.ts`).
 */

/** The first port in the range that nothing listens on (the range keeps clear of other suites' random ports). */
export async function freePort(from = 4701, to = 4720): Promise<number> {
  // A random first try keeps two suites that start together from picking the same port.
  const span = to - from + 1;
  const offset = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = from + ((offset + i) % span);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

export interface OwnRedis {
  url: string;
  /** SIGKILL, as a crash; resolves when the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

/** A Redis without persistence on a free port of the range. */
export async function startOwnRedis(ports: { from?: number; to?: number } = {}): Promise<OwnRedis> {
  const port = await freePort(ports.from, ports.to);
  let child: ChildProcess;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
      child.once('error', reject);
    });
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      return exited;
    },
    restart: start,
  };
}
