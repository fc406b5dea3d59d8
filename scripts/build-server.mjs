#!/usr/bin/env node
/**
 * `npm run build:server`: compiles the server and what it imports (client-sdk/src/contract,
 * sfu/src, migrations) to JavaScript in dist/ with tsc and tsconfig.build.json, so production
 * runs `node dist/server/src/server.js` without tsx. The old output is removed first: a module
 * deleted from the sources must not live on in dist/.
 *
 *   node scripts/build-server.mjs [--out-dir <dir>]    (default: dist)
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--out-dir');
const outDir = path.resolve(flag === -1 ? path.join(root, 'dist') : process.argv[flag + 1] ?? '');
if (flag !== -1 && !process.argv[flag + 1]) {
  process.stderr.write('usage: node scripts/build-server.mjs [--out-dir <dir>]\n');
  process.exit(64);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const started = Date.now();
rmSync(outDir, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write(`[build:server] tsc failed (exit ${String(result.status ?? result.signal)}); nothing was written to ${outDir}\n`);
  process.exit(1);
}
process.stderr.write(`[build:server] built ${path.relative(root, outDir) || outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
