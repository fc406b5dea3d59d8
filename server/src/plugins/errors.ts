import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, Errors } from '../errors.ts';

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001']);

/** Maps framework errors to the catalogue so that every 4xx carries a stable code. */
function toAppError(error: FastifyError & { cause?: unknown }): AppError | null {
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
  }
  if (error.statusCode === 429) return Errors.RATE_LIMITED(error.message.replace(/^.*retry in /i, '') || 'a while');
  if (error instanceof SyntaxError) return Errors.VALIDATION_FAILED('body is not valid JSON');
  if (CONNECTION_ERRORS.has(String((error as { code?: unknown }).code))) return Errors.DATABASE_UNAVAILABLE();
  if (error.message?.includes('Connection terminated') || error.message?.includes('connect ECONNREFUSED')) {
    return Errors.DATABASE_UNAVAILABLE();
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', error.statusCode, error.message);
  }
  return null;
}

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toAppError(error);
    if (known) {
      if (known.statusCode >= 500) request.log.warn({ code: known.code }, 'request | dependency unavailable');
      return reply
        .status(known.statusCode)
        .send({ code: known.code, message: known.message, statusCode: known.statusCode });
    }
    request.log.error({ err: error }, 'request | unhandled error');
    return reply.status(500).send({
      code: 'INTERNAL_ERROR',
      message: `Internal server error (request ${request.id})`,
      statusCode: 500,
    });
  });

  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the web app (deep links from e-mails, activation and personal links).
    if (request.server.sendAppShell?.(request, reply)) return reply;
    const error = Errors.NOT_FOUND();
    return reply.status(404).send({ code: error.code, message: error.message, statusCode: 404 });
  });
}

export default fp(errorsPlugin, { name: 'errors' });
