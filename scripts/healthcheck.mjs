#!/usr/bin/env node
/**
 * The image's HEALTHCHECK: exit 0 when the server's `/livez` answers 200 within 4 s (the
 * HEALTHCHECK's own time-out is 5 s). Node, because the slim base image has no curl or wget.
 */
const host = !process.env.HOST || process.env.HOST === '0.0.0.0' || process.env.HOST === '::' ? '127.0.0.1' : process.env.HOST;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${process.env.PORT || '3000'}/livez`;
const response = await fetch(url, { signal: AbortSignal.timeout(4000) }).catch(() => null);
process.exit(response?.ok ? 0 : 1);
