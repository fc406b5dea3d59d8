#!/usr/bin/env node
/**
 * Bundles the SDK for browsers, offline (esbuild's JS API, no network):
 *
 *   .cache/browser/counsel-sdk.js    ES module of client-sdk/src/browser.ts; importing it also sets
 *                                    `window.CounselSDK`. ESM because libsodium is initialised with
 *                                    a top-level await. Load it with
 *                                    <script type="module" src="/…/counsel-sdk.js"></script>.
 *   .cache/browser/e2ee-worker.js    IIFE of client-sdk/src/video/e2ee-worker.ts, the frame-encryption
 *                                    worker (libsodium included; it awaits sodium.ready itself, so
 *                                    crypto/sodium.ts is swapped for a shim without top-level await).
 *
 * How a page provides the worker: serve e2ee-worker.js and pass its URL as
 * `VideoCall.start(…, { workerUrl: new URL('/…/e2ee-worker.js', location.href) })` — a dedicated
 * Worker must be same-origin — or fetch its text and pass
 * `workerUrl: CounselSDK.workerUrlFromSource(text)` (a Blob URL; this is what the browser test does).
 *
 * Usage: `node client-sdk/build-browser.mjs [outDir]`; prints the two paths as JSON.
 * Also importable: `import { buildBrowserBundles } from './client-sdk/build-browser.mjs'`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** Replaces crypto/sodium.ts (top-level await) with a plain re-export for the IIFE worker. */
const sodiumWithoutTopLevelAwait = {
  name: 'sodium-without-tla',
  setup(b) {
    b.onResolve({ filter: /(^|\/)sodium\.ts$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path);
      if (resolved !== path.join(here, 'src/crypto/sodium.ts')) return undefined;
      return { path: resolved, namespace: 'sodium-shim' };
    });
    b.onLoad({ filter: /.*/, namespace: 'sodium-shim' }, () => ({
      contents: "import sodiumModule from 'libsodium-wrappers-sumo';\nexport const sodium = sodiumModule;\n",
      resolveDir: path.join(here, 'src/crypto'),
      loader: 'js',
    }));
  },
};

export async function buildBrowserBundles(outDir = path.join(root, '.cache/browser')) {
  mkdirSync(outDir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    sourcemap: false,
    minify: false,
    logLevel: 'warning',
    absWorkingDir: root,
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const sdk = path.join(outDir, 'counsel-sdk.js');
  const worker = path.join(outDir, 'e2ee-worker.js');
  await build({ ...common, entryPoints: [path.join(here, 'src/browser.ts')], format: 'esm', outfile: sdk });
  await build({
    ...common,
    entryPoints: [path.join(here, 'src/video/e2ee-worker.ts')],
    format: 'iife',
    outfile: worker,
    plugins: [sodiumWithoutTopLevelAwait],
  });
  return { sdk, worker };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await buildBrowserBundles(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(JSON.stringify(result));
}
