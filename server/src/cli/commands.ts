import { createStaffAccount } from '../accounts/service.ts';
import * as agencies from '../agencies/service.ts';
import type { ServiceContext } from '../context.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { AppError } from '../errors.ts';
import {
  COMMANDS,
  OPTIONS,
  invalid,
  isCommand,
  prepare,
  type CommandOptions,
  type CommandRequest,
  type CommandResponse,
  type OptionName,
} from './spec.ts';

/**
 * Runs one admin command with the given service context: the CLI's own (it opened the
 * database) or the running server's (the command came over the admin channel). The same
 * service functions as the admin API, so the same rules apply.
 */

/** `PUBLIC_URL/activate/<code>`: the web app's activation page for a new staff account. */
export function activationUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/$/, '')}/activate/${encodeURIComponent(code)}`;
}

/** Checks a request that came over the wire: known command, known options of the right types. */
export function parseRequest(value: unknown): CommandRequest {
  if (typeof value !== 'object' || value === null) throw invalid('request must be a JSON object');
  const { command, options } = value as { command?: unknown; options?: unknown };
  if (!isCommand(command)) throw invalid(`unknown command ${JSON.stringify(command)} (known: ${COMMANDS.join(', ')})`);
  const checked: Record<string, string | boolean> = {};
  if (options !== undefined) {
    if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
    for (const [key, option] of Object.entries(options)) {
      const spec = OPTIONS[key as OptionName] as { type: 'string' | 'boolean' } | undefined;
      if (!spec) throw invalid(`unknown option --${key}`);
      if (typeof option !== spec.type) throw invalid(`--${key} must be a ${spec.type}`);
      checked[key] = option as string | boolean;
    }
  }
  return { command, options: checked as CommandOptions };
}

export async function runCommand(ctx: ServiceContext, request: CommandRequest): Promise<unknown> {
  const withLink = (created: { userId: string; activationCode: string }) => ({
    ...created,
    activationUrl: activationUrl(ctx.config.publicUrl, created.activationCode),
  });
  const input = prepare(request);
  switch (input.command) {
    case 'create-admin':
      return withLink(await createStaffAccount(ctx.db, { role: 'admin', displayName: input.name }));
    case 'create-topic':
      return agencies.createTopic(ctx, { name: input.name, ...(input.virtualAgencyName ? { virtualAgencyName: input.virtualAgencyName } : {}) });
    case 'create-agency':
      return agencies.createAgency(ctx, { name: input.name, isTeam: input.isTeam, topicIds: input.topicIds, postcodeRanges: input.postcodeRanges });
    case 'add-postcodes':
      await agencies.addPostcodeRanges(ctx, input.agencyId, input.postcodeRanges);
      return { ok: true };
    case 'create-counsellor':
      return withLink(
        await agencies.createStaff(ctx, { role: 'counsellor', displayName: input.name, agencyIds: input.agencyIds, isAgencyAdmin: input.isAgencyAdmin }),
      );
    case 'add-member':
      await agencies.addMember(ctx, input.agencyId, input.userId, input.isAgencyAdmin);
      return { ok: true };
    case 'remove-member':
      await agencies.removeMember(ctx, input.agencyId, input.userId);
      return { ok: true };
    case 'list-topics':
      return agencies.listTopics(ctx);
    case 'list-agencies':
      return agencies.listAgencies(ctx);
  }
}

/** Which options an error is about, so its one line can name the value the operator gave. */
const ERROR_OPTIONS: Record<string, OptionName[]> = {
  TOPIC_NOT_FOUND: ['topics'],
  TOPIC_NAME_TAKEN: ['name'],
  AGENCY_NOT_FOUND: ['agency', 'agencies'],
  USER_NOT_FOUND: ['user'],
  MEMBERSHIP_NOT_FOUND: ['agency', 'user'],
  MEMBERSHIP_EXISTS: ['agency', 'user'],
  NOT_A_COUNSELLOR: ['user'],
  POSTCODE_RANGE_INVALID: ['postcodes'],
};

interface DatabaseErrorLike {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
  table?: unknown;
  message?: unknown;
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P03', '08006', '08001', '3D000', '28P01', '28000']);

/** Any failure as `{ code, message }` with a one-line message: never a stack or a raw driver dump. */
export function toCommandError(error: unknown, request?: CommandRequest): { code: string; message: string } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();
  if (error instanceof AppError) {
    const given = (ERROR_OPTIONS[error.code] ?? [])
      .filter((name) => request?.options[name] !== undefined)
      .map((name) => `--${name} ${String(request?.options[name])}`);
    return { code: error.code, message: oneLine(given.length > 0 ? `${error.message} (${given.join(', ')})` : error.message) };
  }
  const db = (typeof error === 'object' && error !== null ? error : {}) as DatabaseErrorLike;
  const code = typeof db.code === 'string' ? db.code : '';
  if (isUniqueViolation(error)) {
    // A unique violation the service did not translate. Postgres' detail names the key:
    // "Key (name)=(Addiction) already exists."
    const key = typeof db.detail === 'string' ? /^Key \((.+)\)=\((.*)\) already exists/.exec(db.detail) : null;
    const what = typeof db.table === 'string' ? `a ${db.table} row` : 'a record';
    return { code: 'ALREADY_EXISTS', message: oneLine(key ? `${what} with ${key[1]} "${key[2]}" already exists` : `${what} with these values already exists`) };
  }
  if (code === '23503') return { code: 'REFERENCE_NOT_FOUND', message: 'a referenced record does not exist (check the ids)' };
  if (CONNECTION_CODES.has(code)) {
    return { code: 'DATABASE_UNAVAILABLE', message: oneLine(`cannot use the database (${code}): ${String(db.message ?? '')}`) };
  }
  if (/^[0-9A-Z]{5}$/.test(code)) return { code: 'DATABASE_ERROR', message: oneLine(`${String(db.message ?? 'database error')} (SQLSTATE ${code})`) };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'FAILED', message: message.split('\n')[0]?.trim() || 'unexpected error' };
}

/** Runs a request to completion: never throws, the error is part of the answer. */
export async function answer(ctx: ServiceContext, request: CommandRequest): Promise<CommandResponse> {
  try {
    return { ok: true, result: await runCommand(ctx, request) };
  } catch (error) {
    return { ok: false, error: toCommandError(error, request) };
  }
}
