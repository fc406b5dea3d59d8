import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/db/errors.ts';
import { toAppError } from '../../src/plugins/errors.ts';

/** A thrown value as Fastify hands it to the error handler (pure mapping, no server needed). */
function thrown(fields: { message?: string; code?: string; statusCode?: number }): FastifyError {
  return Object.assign(new Error(fields.message ?? 'failed'), fields) as FastifyError;
}

function mapped(error: FastifyError): [string, number] | null {
  const known = toAppError(error);
  return known ? [known.code, known.statusCode] : null;
}

describe('the error handler maps what reaches it to the catalogue', () => {
  it('should answer database failures that mean "not now" with 503 DATABASE_UNAVAILABLE', () => {
    for (const code of ['57014', '55P03', '25P03', '57P01', '53300', '08006', 'ECONNREFUSED']) {
      expect(mapped(thrown({ code })), code).toEqual(['DATABASE_UNAVAILABLE', 503]);
    }
    expect(mapped(new DatabaseUnavailableError('Query read timeout') as unknown as FastifyError)).toEqual(['DATABASE_UNAVAILABLE', 503]);
    expect(mapped(thrown({ message: 'Connection terminated unexpectedly' }))).toEqual(['DATABASE_UNAVAILABLE', 503]);
  });

  it('should answer a unique violation no service foresaw with 409 ALREADY_EXISTS, and a refused value with 400', () => {
    expect(mapped(thrown({ code: '23505' }))).toEqual(['ALREADY_EXISTS', 409]);
    for (const code of ['22003', '22021', '22P02', '22008']) expect(mapped(thrown({ code })), code).toEqual(['VALIDATION_FAILED', 400]);
  });

  it("should answer Fastify's own refusals with catalogue codes", () => {
    expect(mapped(thrown({ code: 'FST_ERR_BAD_URL', statusCode: 400 }))).toEqual(['BAD_REQUEST', 400]);
    expect(mapped(thrown({ code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414 }))).toEqual(['URL_TOO_LONG', 414]);
    expect(mapped(thrown({ code: 'FST_ERR_SOMETHING_NEW', statusCode: 431 }))).toEqual(['HEADERS_TOO_LARGE', 431]);
    expect(mapped(thrown({ code: 'FST_ERR_SOMETHING_NEW', statusCode: 418 }))).toEqual(['BAD_REQUEST', 418]);
  });

  it('should not take a client that went away for a database failure', () => {
    expect(mapped(thrown({ code: 'ECONNRESET', message: 'aborted' }))).toEqual(['BAD_REQUEST', 400]);
  });

  it('should leave a bug a bug (500)', () => {
    expect(mapped(new TypeError("Cannot read properties of undefined (reading 'id')") as FastifyError)).toBeNull();
  });
});
