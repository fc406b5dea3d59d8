import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Postgres server of the test's own, in a temporary folder, that the test may freeze (SIGSTOP)
 * and thaw without disturbing the shared one. Postgres refuses to run as root, so as root the
 * tools run as the `postgres` user (runuser) in a folder it owns.
 */
export interface PostgresProcess {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the postmaster and every backend: the server keeps its sockets but answers nothing. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

/** The newest installed Postgres's bin folder, or null when Postgres is not installed here. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function runAsPostgres(command: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  execFileSync(file, argv, { stdio: 'ignore' });
}

/** Every backend of the postmaster (its direct children), read from /proc. */
function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

export async function startPostgresProcess(port: number): Promise<PostgresProcess> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('Postgres is not installed (no /usr/lib/postgresql/*/bin/initdb)');
  const folder = mkdtempSync(join(tmpdir(), 'counsel-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(folder, uid, gid);
  }
  const data = join(folder, 'data');
  runAsPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const settings = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  runAsPostgres(join(bin, 'pg_ctl'), ['start', '-w', '-D', data, '-l', join(folder, 'log'), '-o', settings]);
  const postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let frozen: number[] = [];
  const thaw = () => {
    for (const pid of frozen) signal(pid, 'SIGCONT');
    frozen = [];
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    freeze() {
      // The postmaster first, so that it forks no backend we would miss.
      signal(postmaster, 'SIGSTOP');
      const backends = childPids(postmaster);
      for (const pid of backends) signal(pid, 'SIGSTOP');
      frozen = [...backends, postmaster];
    },
    thaw,
    async stop() {
      thaw();
      try {
        runAsPostgres(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate']);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
