import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.ts';

/**
 * Paths of the web app that carry a secret in a segment: activation and personal links (the API's
 * own secret parameters are found from the route, below). Also applied to every URL, so that a
 * path that never reached a route (malformed, too long) is redacted as well.
 */
const SECRET_SEGMENTS = [/^(\/v1\/links\/)[^/?#]*/, /^(\/activate\/)[^/?#]*/, /^(\/l\/)[^/?#]*/];
/** Route parameters whose value is a secret, by name (`/v1/links/:code`). */
const SECRET_PARAM = /code|token|secret|key/i;
export const REDACTED = '[redacted]';

interface LoggedRequest {
  method: string;
  url: string;
  id: string;
  routeOptions?: { url?: string };
}

/**
 * The path of a request as it may be logged: no query string (it may carry link codes) and no
 * secret path segment. A route with a secret parameter is logged as its pattern with that
 * parameter redacted, so a route added later is covered by naming its parameter `code` or `token`.
 */
export function loggablePath(request: LoggedRequest): string {
  const route = request.routeOptions?.url ?? '';
  const redactedRoute = route.replace(/:([^/]+)/g, (param, name: string) => (SECRET_PARAM.test(name) ? REDACTED : param));
  if (redactedRoute !== route) return redactedRoute;
  const path = request.url.split('?')[0] ?? '';
  return SECRET_SEGMENTS.reduce((redacted, pattern) => redacted.replace(pattern, `$1${REDACTED}`), path);
}

/**
 * Pino options, set once. Requests are logged without remote address, query string and secret
 * path segments (link and activation codes); secrets are redacted wherever they appear.
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
      req(request: LoggedRequest) {
        return { method: request.method, url: loggablePath(request), id: request.id };
      },
    },
  };
}
