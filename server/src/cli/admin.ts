import { parseArgs } from 'node:util';
import { createStaffAccount } from '../accounts/service.ts';
import * as agencies from '../agencies/service.ts';
import { AppError } from '../errors.ts';
import { openForCli } from './open.ts';

const USAGE = `Usage: npm run admin -- <command> [options]

  create-admin      --name "Display name"             prints an activation code
  create-topic      --name "Topic" [--virtual-name "Online agency"]
  create-agency     --name "Agency" --topics id,id [--team] [--postcodes 10000-10999,12000-12099]
  add-postcodes     --agency id --postcodes 10000-10999
  create-counsellor --name "Display name" --agencies id,id [--agency-admin]   prints an activation code
  add-member        --agency id --user id [--agency-admin]
  remove-member     --agency id --user id
  list-topics
  list-agencies

Staff accounts are activated in a client (SDK: CounselClient.activate) with the printed code:
their password and private keys are created there, never here. With the embedded PGlite,
stop the server first (one process owns the data folder) or use the admin API instead.`;

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((part) => part.trim()).filter(Boolean) : [];
}

function ranges(value: string | undefined) {
  return list(value).map((range) => {
    const [from, to] = range.split('-');
    if (!from || !/^\d{5}$/.test(from) || (to !== undefined && !/^\d{5}$/.test(to))) {
      throw new Error(`bad postcode range "${range}" (expected 12345-12399)`);
    }
    return { from, to: to ?? from };
  });
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'virtual-name': { type: 'string' },
      topics: { type: 'string' },
      team: { type: 'boolean', default: false },
      postcodes: { type: 'string' },
      agency: { type: 'string' },
      agencies: { type: 'string' },
      user: { type: 'string' },
      'agency-admin': { type: 'boolean', default: false },
    },
  });
  const { ctx, database } = await openForCli();
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  try {
    switch (command) {
      case 'create-admin':
        print(await createStaffAccount(ctx.db, { role: 'admin', displayName: required(values.name, 'name') }));
        break;
      case 'create-topic':
        print(
          await agencies.createTopic(ctx, {
            name: required(values.name, 'name'),
            ...(values['virtual-name'] ? { virtualAgencyName: values['virtual-name'] } : {}),
          }),
        );
        break;
      case 'create-agency':
        print(
          await agencies.createAgency(ctx, {
            name: required(values.name, 'name'),
            isTeam: values.team ?? false,
            topicIds: list(required(values.topics, 'topics')),
            postcodeRanges: ranges(values.postcodes),
          }),
        );
        break;
      case 'add-postcodes':
        await agencies.addPostcodeRanges(ctx, required(values.agency, 'agency'), ranges(required(values.postcodes, 'postcodes')));
        print({ ok: true });
        break;
      case 'create-counsellor':
        print(
          await agencies.createStaff(ctx, {
            role: 'counsellor',
            displayName: required(values.name, 'name'),
            agencyIds: list(values.agencies),
            isAgencyAdmin: values['agency-admin'] ?? false,
          }),
        );
        break;
      case 'add-member':
        await agencies.addMember(ctx, required(values.agency, 'agency'), required(values.user, 'user'), values['agency-admin'] ?? false);
        print({ ok: true });
        break;
      case 'remove-member':
        await agencies.removeMember(ctx, required(values.agency, 'agency'), required(values.user, 'user'));
        print({ ok: true });
        break;
      case 'list-topics':
        print(await agencies.listTopics(ctx));
        break;
      case 'list-agencies':
        print(await agencies.listAgencies(ctx));
        break;
      default:
        throw new Error(`unknown command "${command}"\n\n${USAGE}`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`admin: ${message}\n`);
  process.exit(1);
});
