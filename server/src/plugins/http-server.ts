import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { HttpTimeouts } from '../config.ts';
import { Errors } from '../errors.ts';
import { errorBody, frameworkErrors } from './errors.ts';

/**
 * How often Node looks for requests past their time-out. Its default (30 s) would let a slow
 * client stay up to 30 s beyond the limit; once a second costs one walk over open connections.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** After an error answer, how long the client may take to read it before the socket is destroyed. */
const LINGER_MS = 2_000;

/** The catalogue entry for an error of Node's HTTP parser or its request time-outs. */
function clientErrorOf(code: string | undefined) {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return Errors.REQUEST_TIMEOUT();
  if (code === 'HPE_HEADER_OVERFLOW') return Errors.HEADERS_TOO_LARGE();
  return Errors.BAD_REQUEST('the HTTP request could not be parsed');
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (headers too large,
 * malformed HTTP, request or headers time-out) with a catalogue body, like every other error.
 * Fastify's default writes its own body and destroys the socket at once, so the client often
 * gets a reset instead of the answer.
 */
function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = clientErrorOf(error.code);
  this.log.debug({ code: known.code, parserCode: error.code }, 'http | client error');
  // As Node does: never write into the middle of a response that has already started.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(known));
  socket.end(
    `HTTP/1.1 ${known.statusCode} ${STATUS_CODES[known.statusCode]}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // The client may still be sending (the rest of its headers or body). Reading and dropping it
  // keeps the kernel from answering with a reset that would discard our answer.
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

/** Fastify constructor options: Node's time-outs on slow clients, and catalogue answers for errors before routing. */
export function httpServerOptions(timeouts: HttpTimeouts): Partial<FastifyHttpOptions<Server>> {
  return {
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS },
    clientErrorHandler,
    frameworkErrors,
  };
}
