import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Runs `node --import tsx <script> …args` with DATA_DIR etc. set; resolves with its outcome, never rejects on a non-zero exit. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** The admin CLI (`npm run admin -- …`). */
export function admin(dataDir: string, args: string[], env: Record<string, string> = {}) {
  return runScript('server/src/cli/admin.ts', args, { DATA_DIR: dataDir, ...env });
}

/** Like {@link admin}, but the command must succeed; returns its parsed JSON. */
export async function adminJson<T>(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<{ value: T; stderr: string; ms: number }> {
  const result = await admin(dataDir, args, env);
  if (result.code !== 0) throw new Error(`admin ${args.join(' ')} failed (${String(result.code)}): ${result.stderr}`);
  return { value: JSON.parse(result.stdout) as T, stderr: result.stderr, ms: result.ms };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Env that keeps a child server small and out of the way of other suites: one SFU worker on a random port. */
function serverEnv(dataDir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: '',
    REDIS_URL: '',
    SMTP_HOST: '',
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    SFU_WORKERS: '1',
    SFU_PORT: String(41_000 + Math.floor(Math.random() * 20_000)),
    ...extra,
  };
}

/**
 * Starts `node --import tsx server/src/server.ts` and waits until it listens. `command` runs
 * another entry instead, e.g. the production build `['dist/server/src/server.js']` in `cwd`.
 */
export async function startServerProcess(
  dataDir: string,
  extra: Record<string, string> = {},
  { command = ['--import', 'tsx', 'server/src/server.ts'], cwd }: { command?: string[]; cwd?: string } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, command, {
    env: serverEnv(dataDir, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 90 s:\n${output}`)), 90_000);
    const check = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] && output.includes('start | ready')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Starts a server that is expected to refuse; resolves with its exit code and output. */
export function startServerExpectingFailure(dataDir: string, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/server.ts'], {
    env: serverEnv(dataDir, {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A pid that surely belongs to no running process: one that just exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid;
  await new Promise((resolve) => child.once('exit', resolve));
  if (!pid) throw new Error('no pid');
  return pid;
}

export function lockFile(dataDir: string): string {
  return path.join(dataDir, 'counsel.lock');
}

export function socketFile(dataDir: string): string {
  return path.join(dataDir, 'admin.sock');
}

export const exists = existsSync;
