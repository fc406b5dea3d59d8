import type { Config } from '../config.ts';
import { answer } from './commands.ts';
import { openForCli } from './open.ts';
import type { CommandRequest, CommandResponse } from './spec.ts';

/**
 * Runs a command in this process: opens (and locks) the database, runs, closes. Loaded only
 * when no server holds the data folder, so forwarding never pays for the database modules.
 * @throws DataDirLockedError when the folder is held (the caller then forwards to the server).
 */
export async function runDirect(config: Config, request: CommandRequest): Promise<CommandResponse> {
  const { ctx, database } = await openForCli(config);
  try {
    return await answer(ctx, request);
  } finally {
    await database.close();
  }
}
