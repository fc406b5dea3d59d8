import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { PROJECT_ROOT } from '../common/project-root.ts';

/** Where `npm run build:web` writes the web app; the same folder for the sources and the build in dist/. */
export const WEB_DIST = path.join(PROJECT_ROOT, 'web', 'dist');

/**
 * The page holds private keys, so only the app's own scripts may run: no inline script, no
 * eval. `wasm-unsafe-eval` lets libsodium compile its WebAssembly (it allows no JS eval), and
 * media/blob sources are what video elements and the encryption worker need.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths the app shell never answers: the API, the API docs and the probes keep their JSON 404s. */
const NOT_APP_PATHS = /^\/(v1|docs|healthz)(\/|$)/;

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers a client-side route (`/threads/<id>`, `/activate/<code>`…) with the app; false if it is not one. */
    sendAppShell?: (request: FastifyRequest, reply: FastifyReply) => boolean;
  }
}

function setSecurityHeaders(reply: { setHeader(name: string, value: string): unknown }) {
  reply.setHeader('content-security-policy', APP_CSP);
  // Thread ids and link codes are in the app's URLs; no other site may learn them.
  reply.setHeader('referrer-policy', 'no-referrer');
  reply.setHeader('x-frame-options', 'DENY');
  reply.setHeader('cross-origin-opener-policy', 'same-origin');
  reply.setHeader('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
}

/**
 * Serves the built web app from `web/dist` with a history fallback. Without a build the API
 * runs alone and says so in the log (`npm start` builds the app when it is missing).
 */
async function webApp(app: FastifyInstance, options: { root?: string }) {
  const root = options.root ?? WEB_DIST;
  if (!existsSync(path.join(root, 'index.html'))) {
    app.log.warn({ root }, 'web | no web app build found; run npm run build:web');
    return;
  }
  await app.register(fastifyStatic, {
    root,
    index: ['index.html'],
    wildcard: true,
    cacheControl: false,
    setHeaders(response, filePath) {
      setSecurityHeaders(response);
      // Vite names assets by content hash; everything else must be revalidated.
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.decorate('sendAppShell', (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const pathname = request.url.split('?')[0] ?? '/';
    // A missing file (e.g. /assets/old.js) stays a 404 instead of becoming HTML.
    if (NOT_APP_PATHS.test(pathname) || path.extname(pathname) !== '') return false;
    void reply.header('cache-control', 'no-cache').sendFile('index.html');
    return true;
  });
}

export default fp(webApp, { name: 'web-app' });
