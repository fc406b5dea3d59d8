import { openForCli } from './open.ts';

/** `npm run migrate`: brings the configured database to the latest schema, then exits. */
const { database } = await openForCli();
await database.close();
process.stderr.write('migrations up to date\n');
