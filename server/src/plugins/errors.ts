import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDataException, isDatabaseUnavailable, isUniqueViolation } from '../db/errors.ts';
import { AppError, Errors } from '../errors.ts';

/** The catalogue entry for a 4xx that Fastify or Node produced with a status only. */
function byStatus(statusCode: number): AppError {
  switch (statusCode) {
    case 408:
      return Errors.REQUEST_TIMEOUT();
    case 413:
      return Errors.PAYLOAD_TOO_LARGE();
    case 414:
      return Errors.URL_TOO_LONG();
    case 415:
      return Errors.UNSUPPORTED_MEDIA_TYPE();
    case 431:
      return Errors.HEADERS_TOO_LARGE();
    default:
      // Fastify's own messages may quote the URL (which can carry a link code): not echoed.
      return new AppError(Errors.BAD_REQUEST.code, statusCode, Errors.BAD_REQUEST('the server could not process it').message);
  }
}

/** Maps framework and database errors to the catalogue, so that every answer carries a stable code. Null: a bug (500). */
export function toAppError(error: FastifyError & { cause?: unknown }): AppError | null {
  if (error instanceof AppError) return error;
  if (error.validation) return Errors.VALIDATION_FAILED(error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Errors.PAYLOAD_TOO_LARGE();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return Errors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return Errors.VALIDATION_FAILED('body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return Errors.BAD_REQUEST('the URL is not valid');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return Errors.URL_TOO_LONG();
  }
  // Node's error for a client that went away in the middle of its body: not a network failure of ours.
  if (error.code === 'ECONNRESET' && error.message === 'aborted') return Errors.BAD_REQUEST('the client aborted the request');
  if (error.statusCode === 429) return Errors.RATE_LIMITED(error.message.replace(/^.*retry in /i, '') || 'a while');
  if (error instanceof SyntaxError) return Errors.VALIDATION_FAILED('body is not valid JSON');
  if (isDatabaseUnavailable(error)) return Errors.DATABASE_UNAVAILABLE();
  // Safety nets behind the schemas and the services' own checks (logged, as they point at a gap there).
  if (isUniqueViolation(error)) return Errors.ALREADY_EXISTS();
  if (isDataException(error)) return Errors.VALIDATION_FAILED('a value is out of range or malformed');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return byStatus(error.statusCode);
  return null;
}

/** The one error body: `{ code, message, statusCode }`. */
export function errorBody(error: AppError): { code: string; message: string; statusCode: number } {
  return { code: error.code, message: error.message, statusCode: error.statusCode };
}

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = toAppError(error);
  if (known) {
    if (known.statusCode >= 500) request.log.warn({ code: known.code }, 'request | dependency unavailable');
    else if (!(error instanceof AppError) && (isUniqueViolation(error) || isDataException(error))) {
      // The SQLSTATE only: the error's detail quotes the offending value.
      request.log.warn({ code: known.code, sqlState: (error as { code?: unknown }).code }, 'request | database refused a value the schema let through');
    }
    return reply.status(known.statusCode).send(errorBody(known));
  }
  request.log.error({ err: error }, 'request | unhandled error');
  return reply.status(500).send({
    code: 'INTERNAL_ERROR',
    message: `Internal server error (request ${request.id})`,
    statusCode: 500,
  });
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL, a path
 * parameter over `maxParamLength`), which otherwise answer with Fastify's own codes.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendError(error, request, reply);
}

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));

  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the web app (deep links from e-mails, activation and personal links).
    if (request.server.sendAppShell?.(request, reply)) return reply;
    return reply.status(404).send(errorBody(Errors.NOT_FOUND()));
  });
}

export default fp(errorsPlugin, { name: 'errors' });
