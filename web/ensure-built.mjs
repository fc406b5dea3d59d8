#!/usr/bin/env node
/**
 * Builds the web app when `web/dist` is missing or older than its sources, so that
 * `npm install && npm start` is the whole set-up. `--force` always builds.
 * Used by `postinstall` and `npm start`; `npm run build:web` builds unconditionally.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const builtIndex = path.join(here, 'dist', 'index.html');

function newestMtime(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

const sources = [path.join(here, 'src'), path.join(here, 'index.html'), path.join(here, 'vite.config.ts'), path.join(root, 'client-sdk', 'src')];
const force = process.argv.includes('--force');
const stale = !existsSync(builtIndex) || Math.max(...sources.map(newestMtime)) > statSync(builtIndex).mtimeMs;

if (force || stale) {
  process.stderr.write('[web] building the web app (vite)…\n');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: path.join(here, 'vite.config.ts'), logLevel: 'warn' });
  process.stderr.write(`[web] built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
