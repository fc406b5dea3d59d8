import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/**
 * Pino options, set once. Requests are logged without remote address and without
 * query strings (they may carry link codes); secrets are redacted wherever they appear.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["sec-websocket-protocol"]',
        'req.headers["x-forwarded-for"]',
        '*.token',
        '*.authKey',
        '*.password',
        '*.ciphertext',
        '*.sealedKey',
        '*.activationCode',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: { method: string; url: string; id: string }) {
        return { method: request.method, url: request.url.split('?')[0], id: request.id };
      },
    },
  };
}
