import type { FastifyInstance } from 'fastify';

/** "Going away" (RFC 6455): the server shuts down; clients reconnect, to another instance if there is one. */
export const WS_CLOSE_GOING_AWAY = 1001;

/**
 * The WebSocket plugin's `preClose`: when the app starts closing, every socket gets a close
 * frame with 1001 (the plugin's default sends none, 1005), and no new upgrade is accepted.
 */
export function closeSocketsGoingAway(this: FastifyInstance, done: () => void): void {
  const server = this.websocketServer;
  for (const client of server.clients) client.close(WS_CLOSE_GOING_AWAY, 'server shutting down');
  server.close();
  done();
}
