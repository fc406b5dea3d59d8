#!/usr/bin/env node
/**
 * Runs one of the server's entry points, `server/src/<name>.ts`, from the production build
 * (`dist/server/src/<name>.js`, made by `npm run build:server`) when it is there and newer than
 * the sources, and from the TypeScript sources through tsx otherwise. `npm start`,
 * `npm run admin` and `npm run migrate` come through here, so a clone (sources, maybe a build)
 * and the image (a build, no sources) answer to the same commands. It runs the entry in this
 * process, so signals and the pid (the PGlite data-folder lock records it) are the server's own.
 *
 *   node scripts/run.mjs server/src/server.ts [args…]
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry || !/^server\/src\/[\w/-]+\.ts$/.test(entry)) {
  process.stderr.write('usage: node scripts/run.mjs server/src/<entry>.ts [args…]\n');
  process.exit(64);
}

/** What the build is made of (tsconfig.build.json); a change to any of them makes dist/ stale. */
const BUILD_INPUTS = ['server/src', 'sfu/src', 'client-sdk/src/contract', 'migrations', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(file) {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, name)));
  return newest;
}

const built = path.join(root, 'dist', entry.replace(/\.ts$/, '.js'));
const source = path.join(root, entry);
const inputs = BUILD_INPUTS.map((input) => path.join(root, input)).filter((input) => existsSync(input));
const buildIsCurrent = existsSync(built) && (inputs.length === 0 || Math.max(...inputs.map(newestMtime)) <= statSync(built).mtimeMs);

// The entry reads its own arguments from process.argv.slice(2), as if started directly.
process.argv.splice(1, 2, buildIsCurrent ? built : source);
if (buildIsCurrent) {
  await import(pathToFileURL(built).href);
} else {
  if (existsSync(built)) {
    process.stderr.write('[run] dist/ is older than the sources, so the sources run (through tsx); `npm run build:server` refreshes it\n');
  }
  await import('tsx'); // registers the TypeScript loader for this process, as `node --import tsx` does
  await import(pathToFileURL(source).href);
}
