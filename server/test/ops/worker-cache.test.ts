import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureWorkerBinary, workerCacheBinary } from '../../../sfu/src/worker-binary.ts';

/**
 * `npm run build:sfu` (sfu/worker/build-worker.mjs) in a throw-away clone: the worker is cached
 * per mediasoup version in the user's cache folder, outside the clone, and `npm install` shows
 * progress lines instead of the compiler's output. A fake meson and ninja stand in for the
 * 7-minute compile; the prerequisite checks still look at the real compiler and libraries.
 */

const REPO = path.resolve(import.meta.dirname, '../../..');
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'node_modules/mediasoup/package.json'), 'utf8')) as { version: string }).version;
const root = mkdtempSync(path.join(tmpdir(), 'counsel-worker-cache-'));

/** A clone of the repository as far as the build script can tell: its own sfu/worker, the installed node_modules. */
function freshClone(name: string): string {
  const clone = path.join(root, name);
  mkdirSync(path.join(clone, 'sfu'), { recursive: true });
  cpSync(path.join(REPO, 'sfu/worker'), path.join(clone, 'sfu/worker'), { recursive: true });
  symlinkSync(path.join(REPO, 'node_modules'), path.join(clone, 'node_modules'));
  return clone;
}

/** A stand-in worker: the real one exits 41 when started without MEDIASOUP_VERSION, which is how the script probes it. */
const FAKE_WORKER = '#!/bin/sh\nexit 41\n';

function writeExecutable(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** meson and ninja that print as much as the real ones do (meson setup ~80 lines, ninja one line per object). */
function fakeToolchain(dir: string, { failAt }: { failAt?: number } = {}): { MESON: string; NINJA: string } {
  const meson = path.join(dir, 'meson');
  const ninja = path.join(dir, 'ninja');
  writeExecutable(
    meson,
    `#!/bin/sh
if [ "$1" = "--version" ]; then echo 1.3.0; exit 0; fi
mkdir -p "$2"
i=0; while [ $i -lt 80 ]; do echo "Checking for function \\"fake_$i\\" : YES"; i=$((i+1)); done
`,
  );
  writeExecutable(
    ninja,
    `#!/bin/sh
[ "$1" = "--version" ] && { echo 1.11.1; exit 0; }
build="$2"
i=1; while [ $i -le 300 ]; do
  echo "[$i/300] Compiling C++ object worker.p/src_RTC_Fake$i.cpp.o"
  ${failAt ? `[ $i -eq ${failAt} ] && { echo "../src/RTC/Fake$i.cpp:12:3: error: 'boom' was not declared in this scope"; exit 1; }` : ''}
  i=$((i+1))
done
printf '#!/bin/sh\\nexit 41\\n' > "$build/mediasoup-worker"; chmod +x "$build/mediasoup-worker"
`,
  );
  return { MESON: meson, NINJA: ninja };
}

function buildWorker(clone: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(clone, 'sfu/worker/build-worker.mjs'), ...args],
      { cwd: clone, env: { ...process.env, MESON: '', NINJA: '', ...env }, encoding: 'utf8', timeout: 180_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

let prerequisites: Promise<boolean> | null = null;

/** Whether this machine has the worker's build prerequisites (CI installs them; REQUIRE_VIDEO=1 makes their absence a failure). */
function prerequisitesPresent(): Promise<boolean> {
  prerequisites ??= checkPrerequisites();
  return prerequisites;
}

async function checkPrerequisites(): Promise<boolean> {
  const clone = freshClone('prereqs');
  const tools = fakeToolchain(path.join(root, 'prereq-tools'));
  const result = await buildWorker(clone, ['--check-prereqs'], { ...tools, XDG_CACHE_HOME: path.join(root, 'prereq-cache') });
  if (result.code !== 0 && process.env.REQUIRE_VIDEO === '1') throw new Error(`worker build prerequisites missing:\n${result.stderr}`);
  return result.code === 0;
}

describe('mediasoup worker cache and build output', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('should find a worker that another clone built, in the user cache folder, without building', async () => {
    const cacheHome = path.join(root, 'shared-cache');
    const cached = path.join(cacheHome, 'counsel/mediasoup-worker', VERSION, 'mediasoup-worker');
    writeExecutable(cached, FAKE_WORKER);
    const clone = freshClone('second-clone');

    const check = await buildWorker(clone, ['--check'], { XDG_CACHE_HOME: cacheHome });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout.trim()).toBe(cached);

    // What `npm install` runs: no build, one line.
    const install = await buildWorker(clone, [], { XDG_CACHE_HOME: cacheHome });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout.trim()).toBe(cached);
    expect(install.stderr).toMatch(/using cached mediasoup-worker/);
    expect(existsSync(path.join(clone, '.cache'))).toBe(false);

    // The server looks in the same place.
    expect(workerCacheBinary(VERSION, { XDG_CACHE_HOME: cacheHome })).toBe(cached);
    expect(ensureWorkerBinary({ XDG_CACHE_HOME: cacheHome })).toBe(cached);
  });

  it('should print progress lines, not the compiler output, and keep that in the log', async () => {
    if (!(await prerequisitesPresent())) return;
    const cacheHome = path.join(root, 'progress-cache');
    const clone = freshClone('progress-clone');
    const result = await buildWorker(clone, ['--jobs', '2'], { ...fakeToolchain(path.join(root, 'tools-ok')), XDG_CACHE_HOME: cacheHome });

    expect(result.code, result.stderr).toBe(0);
    const workerDir = path.join(cacheHome, 'counsel/mediasoup-worker', VERSION);
    expect(result.stdout.trim()).toBe(path.join(workerDir, 'mediasoup-worker'));
    const lines = result.stderr.trim().split('\n');
    expect(lines.length, result.stderr).toBeLessThanOrEqual(30);
    expect(result.stderr).not.toMatch(/Compiling C\+\+ object|Checking for function/);
    expect(result.stderr).toMatch(/compiling: 300\/300/);
    expect(result.stderr).toContain(path.join(workerDir, 'build.log'));
    const log = readFileSync(path.join(workerDir, 'build.log'), 'utf8');
    expect(log).toContain('[300/300] Compiling C++ object');
    expect(log).toContain('Checking for function "fake_79"');
    expect(existsSync(path.join(clone, '.cache'))).toBe(false);
  });

  it('should show the error and the log path when the compile fails', async () => {
    if (!(await prerequisitesPresent())) return;
    const cacheHome = path.join(root, 'failing-cache');
    const clone = freshClone('failing-clone');
    const result = await buildWorker(clone, ['--jobs', '2'], { ...fakeToolchain(path.join(root, 'tools-fail'), { failAt: 200 }), XDG_CACHE_HOME: cacheHome });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: 'boom' was not declared");
    expect(result.stderr).toContain(path.join(cacheHome, 'counsel/mediasoup-worker', VERSION, 'build.log'));
    expect(result.stderr.trim().split('\n').length, result.stderr).toBeLessThanOrEqual(40);
  });
});
