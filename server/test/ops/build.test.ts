import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoAvailability } from '../../../sfu/src/index.ts';
import { startServerProcess, type ServerProcess } from '../cli/helpers.ts';

/**
 * The production build: `scripts/build-server.mjs` compiles the server into a folder laid out
 * like the image's /app (package.json, node_modules, dist/, web/dist, scripts/run.mjs, and no
 * TypeScript sources), and plain `node` runs it there.
 */

const REPO = path.resolve(import.meta.dirname, '../../..');
/** The temporary install the build goes into, made in beforeAll. */
let app = '';
const webBuilt = existsSync(path.join(REPO, 'web/dist/index.html'));

function node(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ...options.env }, encoding: 'utf8', timeout: 240_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Pino's JSON lines from the server's output. */
function logLines(output: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

describe('production build', () => {
  let server: ServerProcess | null = null;

  beforeAll(async () => {
    app = mkdtempSync(path.join(tmpdir(), 'counsel-build-'));
    const build = await node(['scripts/build-server.mjs', '--out-dir', path.join(app, 'dist')], { cwd: REPO });
    if (build.code !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
    copyFileSync(path.join(REPO, 'package.json'), path.join(app, 'package.json'));
    symlinkSync(path.join(REPO, 'node_modules'), path.join(app, 'node_modules'));
    mkdirSync(path.join(app, 'scripts'));
    copyFileSync(path.join(REPO, 'scripts/run.mjs'), path.join(app, 'scripts/run.mjs'));
    if (webBuilt) {
      mkdirSync(path.join(app, 'web'));
      symlinkSync(path.join(REPO, 'web/dist'), path.join(app, 'web/dist'));
    }
  }, 300_000);

  afterAll(async () => {
    await server?.stop();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('should compile the server, its contract, the SFU and the migrations to JavaScript only', () => {
    for (const file of ['server/src/server.js', 'server/src/cli/admin.js', 'sfu/src/index.js', 'client-sdk/src/contract/common.js', 'migrations/index.js']) {
      expect(existsSync(path.join(app, 'dist', file)), file).toBe(true);
    }
    expect(existsSync(path.join(app, 'dist/server/test'))).toBe(false);
  });

  it('should start with plain node, migrate, answer /livez and serve the API and the web app', async () => {
    const dataDir = path.join(app, 'data');
    server = await startServerProcess(dataDir, { SFU_ANNOUNCED_IP: '' }, { command: ['--enable-source-maps', 'dist/server/src/server.js'], cwd: app });

    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const topics = await fetch(`${server.url}/v1/topics`);
    expect(topics.status).toBe(200);
    expect(await topics.json()).toEqual({ topics: [] });
    if (webBuilt) {
      const page = await fetch(`${server.url}/threads/some-id`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    }

    // The image's `npm run admin`: the built CLI, through the running server's admin socket.
    const created = await node(['scripts/run.mjs', 'server/src/cli/admin.ts', 'create-topic', '--name', 'Built', '--print', 'id'], {
      cwd: app,
      env: { DATA_DIR: dataDir },
    });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const { topics: after } = (await (await fetch(`${server.url}/v1/topics`)).json()) as { topics: { name: string }[] };
    expect(after.map((topic) => topic.name)).toEqual(['Built']);
  });

  it('should log, at warn level, that SFU_ANNOUNCED_IP is missing when the SFU listens on all addresses', () => {
    if (!videoAvailability().available) {
      if (process.env.REQUIRE_VIDEO === '1') throw new Error(`video unavailable: ${String(videoAvailability().reason)}`);
      return;
    }
    const warning = logLines(server?.output() ?? '').find((line) => line.msg.includes('SFU_ANNOUNCED_IP is not set'));
    expect(warning, server?.output()).toBeDefined();
    expect(warning?.level).toBe(40);
  });

  it('should stop on SIGTERM with exit code 0', async () => {
    expect(await server?.stop()).toBe(0);
    server = null;
  });
});

describe('scripts/run.mjs (npm start, npm run admin, npm run migrate)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'counsel-run-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should run the build when it is newer than the sources, and the sources through tsx otherwise', async () => {
    copyFileSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
    symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.join(REPO, 'scripts/run.mjs'), path.join(dir, 'scripts/run.mjs'));
    mkdirSync(path.join(dir, 'server/src'), { recursive: true });
    mkdirSync(path.join(dir, 'dist/server/src'), { recursive: true });
    const source = path.join(dir, 'server/src/probe.ts');
    const built = path.join(dir, 'dist/server/src/probe.js');
    // A type annotation: only tsx runs this file.
    writeFileSync(source, "const from: string = 'sources';\nconsole.log(from, process.argv.slice(2).join(','));\n");
    writeFileSync(built, "console.log('build', process.argv.slice(2).join(','));\n");
    const probe = () => node(['scripts/run.mjs', 'server/src/probe.ts', 'a', 'b'], { cwd: dir });
    const at = (seconds: number) => new Date(Date.now() + seconds * 1000);

    utimesSync(source, at(-60), at(-60));
    utimesSync(built, at(0), at(0));
    expect((await probe()).stdout).toBe('build a,b\n');

    utimesSync(source, at(60), at(60)); // edited after the build
    const stale = await probe();
    expect(stale.stdout).toBe('sources a,b\n');
    expect(stale.stderr).toMatch(/dist\/ is older than the sources/);

    rmSync(path.join(dir, 'server'), { recursive: true }); // the image: a build and no sources
    expect((await probe()).stdout).toBe('build a,b\n');
  });
});
