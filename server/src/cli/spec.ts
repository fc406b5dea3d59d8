import { AppError } from '../errors.ts';

/**
 * The admin commands as data: names, options, usage and the validation of their options.
 * Shared by the CLI (which parses and checks the command line before it opens anything) and
 * the server's admin channel (which checks forwarded commands again), and free of heavy
 * imports so the CLI starts fast.
 */

export const COMMANDS = [
  'create-admin',
  'create-topic',
  'create-agency',
  'add-postcodes',
  'create-counsellor',
  'add-member',
  'remove-member',
  'list-topics',
  'list-agencies',
] as const;

export type CommandName = (typeof COMMANDS)[number];

export function isCommand(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value);
}

/** Options of every command (`node:util` parseArgs format). */
export const OPTIONS = {
  name: { type: 'string' },
  'virtual-name': { type: 'string' },
  topics: { type: 'string' },
  team: { type: 'boolean' },
  postcodes: { type: 'string' },
  agency: { type: 'string' },
  agencies: { type: 'string' },
  user: { type: 'string' },
  'agency-admin': { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;
export type CommandOptions = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** What the CLI sends to the running server over the admin channel, one JSON line. */
export interface CommandRequest {
  command: CommandName;
  options: CommandOptions;
}

/** The answer, one JSON line: the command's result, or its error as code and one-line message. */
export type CommandResponse = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** A request whose options were checked, as the inputs of the service functions. */
export type Prepared =
  | { command: 'create-admin'; name: string }
  | { command: 'create-topic'; name: string; virtualAgencyName: string | null }
  | { command: 'create-agency'; name: string; isTeam: boolean; topicIds: string[]; postcodeRanges: PostcodeRange[] }
  | { command: 'add-postcodes'; agencyId: string; postcodeRanges: PostcodeRange[] }
  | { command: 'create-counsellor'; name: string; agencyIds: string[]; isAgencyAdmin: boolean }
  | { command: 'add-member'; agencyId: string; userId: string; isAgencyAdmin: boolean }
  | { command: 'remove-member'; agencyId: string; userId: string }
  | { command: 'list-topics' }
  | { command: 'list-agencies' };

export interface PostcodeRange {
  from: string;
  to: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, message);
}

function required(options: CommandOptions, name: 'name' | 'topics' | 'postcodes' | 'agency' | 'user'): string {
  const value = options[name]?.trim();
  if (!value) throw invalid(`--${name} is required`);
  return value;
}

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((part) => part.trim()).filter(Boolean) : [];
}

function id(value: string, option: string): string {
  if (!UUID.test(value)) throw invalid(`--${option}: "${value}" is not an id (ids are UUIDs; see list-topics / list-agencies)`);
  return value.toLowerCase();
}

function ids(value: string | undefined, option: string): string[] {
  return [...new Set(list(value).map((item) => id(item, option)))];
}

function ranges(value: string | undefined): PostcodeRange[] {
  return list(value).map((range) => {
    const [from, to, ...rest] = range.split('-').map((part) => part.trim());
    if (!from || !/^\d{5}$/.test(from) || (to !== undefined && !/^\d{5}$/.test(to)) || rest.length > 0) {
      throw invalid(`--postcodes: bad postcode range "${range}" (expected 12345-12399 or 12345)`);
    }
    if (to !== undefined && from > to) throw invalid(`--postcodes: range "${range}" starts after its end`);
    return { from, to: to ?? from };
  });
}

/**
 * Checks a request's options (required, ids, postcode ranges) without touching the database.
 * @throws AppError VALIDATION_FAILED with a one-line message naming the option.
 */
export function prepare({ command, options }: CommandRequest): Prepared {
  switch (command) {
    case 'create-admin':
      return { command, name: required(options, 'name') };
    case 'create-topic':
      return { command, name: required(options, 'name'), virtualAgencyName: options['virtual-name']?.trim() || null };
    case 'create-agency':
      return {
        command,
        name: required(options, 'name'),
        isTeam: options.team ?? false,
        topicIds: ids(required(options, 'topics'), 'topics'),
        postcodeRanges: ranges(options.postcodes),
      };
    case 'add-postcodes':
      return { command, agencyId: id(required(options, 'agency'), 'agency'), postcodeRanges: ranges(required(options, 'postcodes')) };
    case 'create-counsellor':
      return { command, name: required(options, 'name'), agencyIds: ids(options.agencies, 'agencies'), isAgencyAdmin: options['agency-admin'] ?? false };
    case 'add-member':
      return { command, agencyId: id(required(options, 'agency'), 'agency'), userId: id(required(options, 'user'), 'user'), isAgencyAdmin: options['agency-admin'] ?? false };
    case 'remove-member':
      return { command, agencyId: id(required(options, 'agency'), 'agency'), userId: id(required(options, 'user'), 'user') };
    case 'list-topics':
    case 'list-agencies':
      return { command };
  }
}

export const USAGE = `Usage: npm run admin -- <command> [options] [--print <field>]

  create-admin      --name "Display name"             prints an activation code and link
  create-topic      --name "Topic" [--virtual-name "Online agency"]
  create-agency     --name "Agency" --topics id,id [--team] [--postcodes 10000-10999,12000-12099]
  add-postcodes     --agency id --postcodes 10000-10999
  create-counsellor --name "Display name" --agencies id,id [--agency-admin]   prints an activation code and link
  add-member        --agency id --user id [--agency-admin]
  remove-member     --agency id --user id
  list-topics
  list-agencies

The result is printed as JSON on stdout; --print <field> prints only that field (e.g.
TOPIC_ID=$(npm run -s admin -- create-topic --name Addiction --print id)). Errors are one line
on stderr, exit code 1.

Staff accounts are activated in the web app (PUBLIC_URL/activate/<code>, printed as
activationUrl) or any client (SDK: CounselClient.activate): their password and private keys are
created there, never here.

With the embedded PGlite, a running server owns the data folder: the command is then sent to it
over its admin socket (DATA_DIR/admin.sock, reachable only by its owner), so it takes effect at
once. Without a running server the command opens the folder itself. With DATABASE_URL it writes
to Postgres directly.`;
