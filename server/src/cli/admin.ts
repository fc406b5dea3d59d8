import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { loadConfigOrExit, type Config } from '../config.ts';
import { adminSocketPath, dataFolder, readLiveHolder, type DataDirLockedError, type LockHolder } from '../db/data-lock.ts';
import { ChannelUnreachableError, sendToServer } from './admin-client.ts';
import { AppError } from '../errors.ts';
import { COMMANDS, OPTIONS, USAGE, isCommand, prepare, type CommandRequest, type CommandResponse } from './spec.ts';

/**
 * `npm run admin -- <command>`. With the embedded PGlite the data folder has one owner:
 * - a running server holds it → the command goes to the server over its admin socket;
 * - nobody holds it → this process locks and opens it (the database modules load only then);
 * - with DATABASE_URL → Postgres directly (many clients are fine there).
 * The result is JSON on stdout; errors are one line on stderr and exit code 1.
 */

/** A failure to report as one line. */
class CliError extends Error {}

/**
 * A server that took the lock less than this long ago may still be starting (migrations run
 * before its admin socket listens): keep trying until then. An older one answers at once or never.
 */
const SERVER_START_GRACE_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parse(argv: string[]): { request: CommandRequest; print: string | undefined } {
  const [command, ...rest] = argv;
  if (!isCommand(command)) throw new CliError(`unknown command "${command}" (known: ${COMMANDS.join(', ')}; see npm run admin -- help)`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...OPTIONS, print: { type: 'string' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CliError(`${(error as Error).message.split('\n')[0]} (see npm run admin -- help)`);
  }
  const { print, ...options } = values;
  const request: CommandRequest = { command, options };
  try {
    prepare(request); // fails fast on a missing option, a malformed id or postcode range, before anything is opened
  } catch (error) {
    throw error instanceof AppError ? new CliError(`${error.code}: ${error.message}`) : error;
  }
  return { request, print: typeof print === 'string' ? print : undefined };
}

function refuseHeld(config: Config, holder: LockHolder, reason: string): never {
  const folder = dataFolder(config.dataDir);
  throw new CliError(
    `the server (pid ${holder.pid}) is using DATA_DIR ${folder}, and its admin channel ${adminSocketPath(folder)} does not answer (${reason}). ` +
      'The data folder was not opened. Stop the server and retry, or run the command as the user the server runs as.',
  );
}

/** Forwards to the server holding the folder; null when it stopped meanwhile (then the caller opens the folder itself). */
async function forward(config: Config, holder: LockHolder, request: CommandRequest): Promise<CommandResponse | null> {
  const socketPath = adminSocketPath(config.dataDir);
  const graceUntil = (server: LockHolder) => Math.max(Date.now() + 1_000, (Date.parse(server.since) || 0) + SERVER_START_GRACE_MS);
  let deadline = graceUntil(holder);
  for (;;) {
    try {
      const response = await sendToServer(socketPath, request);
      if (response.ok) process.stderr.write(`admin: done by the running server (pid ${holder.pid})\n`);
      return response;
    } catch (error) {
      if (!(error instanceof ChannelUnreachableError)) throw new CliError(error instanceof Error ? error.message : String(error));
      const current = readLiveHolder(config.dataDir);
      if (!current || current.owner !== 'server') return null;
      if (current.token !== holder.token) {
        holder = current; // another server took over meanwhile
        deadline = graceUntil(holder);
      }
      // A socket owned by someone else or a permission error will not heal by waiting.
      if (Date.now() >= deadline || /uid|EACCES|EPERM|not a socket/.test(error.reason)) refuseHeld(config, holder, error.reason);
      await sleep(250);
    }
  }
}

/**
 * Loads the database path (direct.ts and its graph). Through `require`, tsx compiles the graph in
 * this thread and kysely comes as its CommonJS build; through `import()` every module costs a
 * round trip to Node 20's loader thread, and kysely alone has ~280 modules: measured 0.65–0.9 s
 * instead of 1.3–2.9 s for the graph on a loaded two-core machine. The graph is then a second
 * module instance, so its errors are recognised by name, not by class. Falls back to import()
 * should the graph ever need ESM (a top-level await).
 */
function loadDirect(): Promise<typeof import('./direct.ts')> {
  try {
    return Promise.resolve(createRequire(import.meta.url)('./direct.ts') as typeof import('./direct.ts'));
  } catch {
    return import('./direct.ts');
  }
}

function lockedBy(error: unknown): LockHolder | null {
  return error instanceof Error && error.name === 'DataDirLockedError' ? (error as DataDirLockedError).holder : null;
}

async function execute(config: Config, request: CommandRequest): Promise<CommandResponse> {
  const pglite = !config.databaseUrl && !config.dataDir.startsWith('memory://');
  for (let attempt = 0; attempt < 20; attempt++) {
    if (pglite) {
      const holder = readLiveHolder(config.dataDir);
      if (holder?.owner === 'server') {
        const response = await forward(config, holder, request);
        if (response) return response;
        continue;
      }
    }
    try {
      const { runDirect } = await loadDirect();
      return await runDirect(config, request);
    } catch (error) {
      const holder = lockedBy(error);
      if (holder?.owner === 'server') continue; // a server started meanwhile: forward to it
      if (holder) throw new CliError(`${(error as Error).message}; it still runs after 30 s — retry when it has finished`);
      throw error;
    }
  }
  throw new CliError('the data folder changed owner too often; retry');
}

function output(response: CommandResponse, print: string | undefined): void {
  if (!response.ok) throw new CliError(`${response.error.code}: ${response.error.message}`);
  const result = response.result as Record<string, unknown>;
  if (print !== undefined) {
    if (typeof result !== 'object' || result === null || !(print in result)) {
      const fields = typeof result === 'object' && result !== null ? Object.keys(result).join(', ') : 'none';
      throw new CliError(`--print ${print}: the result has no such field (fields: ${fields}); it was created nevertheless: ${JSON.stringify(result)}`);
    }
    const value = result[print];
    process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
  if (typeof result?.activationUrl === 'string' && print !== 'activationUrl') {
    process.stderr.write(`admin: open ${result.activationUrl} to activate the account (single use)\n`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || ['help', '--help', '-h'].includes(argv[0] ?? '')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { request, print } = parse(argv);
  const config = loadConfigOrExit();
  output(await execute(config, request), print);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`admin: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
