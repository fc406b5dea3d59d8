import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

/**
 * For @fastify/websocket's `errorHandler`. A peer that breaks the protocol (a frame over
 * `maxPayload`, invalid UTF-8, a bad opcode) is the client's fault: `ws` has already sent the
 * close frame with the matching code (1009 for a frame too large), so the socket is left to
 * finish closing and the event is a warning with its code, not an error with a stack trace.
 * Anything else is unexpected and still logged as an error.
 */
export function websocketErrorHandler(error: Error & { code?: string }, socket: WebSocket, request: FastifyRequest): void {
  if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
    request.log.warn({ code: error.code, reason: error.message }, 'realtime | client broke the protocol, connection closed');
    return;
  }
  request.log.error({ err: error }, 'realtime | socket error');
  socket.terminate();
}
