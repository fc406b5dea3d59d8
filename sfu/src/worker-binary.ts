import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SfuError } from './errors.ts';

/** The mediasoup module namespace, as returned by `import('mediasoup')`. */
export type Mediasoup = typeof import('mediasoup');

/** sfu/src/ → repository root; resolved from this file so the cwd does not matter. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Version of the installed `node_modules/mediasoup`, or null when it is not installed. */
export function mediasoupVersion(): string | null {
  try {
    const raw = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'mediasoup', 'package.json'), 'utf8');
    const version: unknown = (JSON.parse(raw) as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

/**
 * Finds a usable mediasoup worker binary, in order:
 * 1. `$MEDIASOUP_WORKER_BIN`, if it names an executable file;
 * 2. the offline build `.cache/mediasoup-worker/<mediasoup version>/mediasoup-worker`
 *    (made by `npm run build:sfu`, see sfu/worker/README.md);
 * 3. the upstream prebuilt `node_modules/mediasoup/worker/out/Release/mediasoup-worker`,
 *    present when mediasoup's own install script was allowed to run.
 *
 * Returns null when none exists: video is then unavailable, messaging is not affected.
 */
export function ensureWorkerBinary(): string | null {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv && isExecutableFile(fromEnv)) return fromEnv;
  const version = mediasoupVersion();
  if (version === null) return null;
  const candidates = [
    path.join(REPO_ROOT, '.cache', 'mediasoup-worker', version, 'mediasoup-worker'),
    path.join(REPO_ROOT, 'node_modules', 'mediasoup', 'worker', 'out', 'Release', 'mediasoup-worker'),
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
