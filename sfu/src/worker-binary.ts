import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { SfuError } from './errors.ts';

/** The mediasoup module namespace, as returned by `import('mediasoup')`. */
export type Mediasoup = typeof import('mediasoup');

type Env = Record<string, string | undefined>;

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * `node_modules/mediasoup`, found by Node's own resolution so it works from `sfu/src/` (tsx)
 * and from `dist/sfu/src/` (the production build) alike; null when it is not installed.
 */
function mediasoupPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('mediasoup/package.json'));
  } catch {
    return null;
  }
}

/** Version of the installed `node_modules/mediasoup`, or null when it is not installed. */
export function mediasoupVersion(): string | null {
  const dir = mediasoupPackageDir();
  if (dir === null) return null;
  try {
    const version: unknown = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/**
 * Where `npm run build:sfu` keeps the worker of a mediasoup version: in the user's cache
 * folder, outside any clone, so a new clone or a reinstall finds it instead of compiling for
 * minutes. Keep in step with `workerCacheDir()` in sfu/worker/build-worker.mjs.
 */
export function workerCacheBinary(version: string, env: Env = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cacheHome, 'counsel', 'mediasoup-worker', version, 'mediasoup-worker');
}

/**
 * Finds a usable mediasoup worker binary, in order:
 * 1. `$MEDIASOUP_WORKER_BIN`, if it names an executable file (the image sets it);
 * 2. the offline build in the user's cache, {@link workerCacheBinary}
 *    (made by `npm run build:sfu`, see sfu/worker/README.md);
 * 3. the in-repository `.cache/mediasoup-worker/<version>/mediasoup-worker` that clones built
 *    before the cache moved out of the clone;
 * 4. the upstream prebuilt `node_modules/mediasoup/worker/out/Release/mediasoup-worker`,
 *    present when mediasoup's own install script was allowed to run.
 *
 * Returns null when none exists: video is then unavailable, messaging is not affected.
 */
export function ensureWorkerBinary(env: Env = process.env): string | null {
  const fromEnv = env.MEDIASOUP_WORKER_BIN;
  if (fromEnv && isExecutableFile(fromEnv)) return fromEnv;
  const packageDir = mediasoupPackageDir();
  const version = mediasoupVersion();
  if (packageDir === null || version === null) return null;
  const projectRoot = path.resolve(packageDir, '..', '..');
  const candidates = [
    workerCacheBinary(version, env),
    path.join(projectRoot, '.cache', 'mediasoup-worker', version, 'mediasoup-worker'),
    path.join(packageDir, 'worker', 'out', 'Release', 'mediasoup-worker'),
  ];
  return candidates.find(isExecutableFile) ?? null;
}

/** Whether video calls can work on this host, and if not, why (for logs and a health endpoint). */
export function videoAvailability(): { available: boolean; reason: string | null } {
  if (mediasoupVersion() === null) {
    return { available: false, reason: 'the mediasoup package is not installed' };
  }
  if (ensureWorkerBinary() === null) {
    return {
      available: false,
      reason: 'no mediasoup-worker binary: run `npm run build:sfu` or set MEDIASOUP_WORKER_BIN',
    };
  }
  return { available: true, reason: null };
}

let loaded: Promise<Mediasoup> | null = null;

/**
 * Loads mediasoup with `MEDIASOUP_WORKER_BIN` pointing at {@link ensureWorkerBinary}.
 *
 * mediasoup 3.12 reads that variable once, when its Worker module is first
 * evaluated; a static `import 'mediasoup'` anywhere would be hoisted above any
 * assignment, so the whole SFU only ever reaches mediasoup through this
 * function (types are imported with `import type`, which is erased).
 *
 * @throws SfuError VIDEO_UNAVAILABLE when no binary exists. Failures are not
 *   cached, so a later call succeeds once the worker has been built.
 */
export function loadMediasoup(): Promise<Mediasoup> {
  if (loaded) return loaded;
  const bin = ensureWorkerBinary();
  if (bin === null) {
    return Promise.reject(new SfuError('VIDEO_UNAVAILABLE', videoAvailability().reason ?? 'video unavailable'));
  }
  process.env.MEDIASOUP_WORKER_BIN = bin;
  const attempt = import('mediasoup').then((mod) => {
    // CJS interop: Node exposes named exports, some loaders only `default`.
    const mediasoup = ((mod as { default?: Mediasoup }).default ?? mod) as Mediasoup;
    if (mediasoup.workerBin !== bin && !isExecutableFile(mediasoup.workerBin)) {
      // Someone imported mediasoup before us, so it captured a missing path.
      throw new SfuError(
        'VIDEO_UNAVAILABLE',
        `mediasoup was loaded before MEDIASOUP_WORKER_BIN was set and uses the missing binary ${mediasoup.workerBin}`,
      );
    }
    return mediasoup;
  });
  loaded = attempt;
  attempt.catch(() => {
    if (loaded === attempt) loaded = null;
  });
  return attempt;
}
