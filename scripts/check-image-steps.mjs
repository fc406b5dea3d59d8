#!/usr/bin/env node
/**
 * Checks the Dockerfile without Docker, on a Debian 12 machine like the image's base: it carries
 * out the Dockerfile's own steps in a temporary folder per stage and runs the result.
 *
 *   build stage    COPY from the build context (honouring .dockerignore) and every RUN as written,
 *                  in <tmp>/build/app; `apt-get install` lines are checked instead (the packages
 *                  must be installed here, since the following steps need them).
 *   runtime stage  COPY --from=build, the mkdir/chown of its volumes; its `apt-get install`
 *                  packages must exist in this Debian and provide every library that the worker
 *                  binary links (ldd, dpkg -S), apart from what the Node base image has.
 *   then           CMD with the stage's ENV, from WORKDIR, as an unprivileged user (nobody, when
 *                  this runs as root) that can write to the VOLUME folders only; HEALTHCHECK until
 *                  it passes; the SFU started from the image's worker; `npm run admin` through the
 *                  running server; SIGTERM ends it with exit code 0.
 *
 * What it cannot check: the base image itself (Node's version here may differ), tini, and
 * Docker's own handling of EXPOSE, VOLUME and USER (server/test/ops/image.test.ts checks those
 * lines). Absolute paths of the image (/app, /data) are mapped into the temporary folder.
 *
 *   node scripts/check-image-steps.mjs [--port N] [--sfu-port N] [--keep]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Libraries every node:*-slim image already has (Node itself links them). */
const BASE_IMAGE_PACKAGES = new Set(['libc6', 'libstdc++6', 'libgcc-s1']);

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const keep = args.includes('--keep');

let passed = 0;
function ok(message) {
  passed += 1;
  console.log(`[image] ok: ${message}`);
}
function fail(message) {
  console.error(`[image] FAILED: ${message}`);
  console.log(`check-image-steps: ${passed} passed, 1 failed`);
  process.exit(1);
}
const say = (message) => console.log(`[image] ${message}`);

// ---------------------------------------------------------------------------------------------
// The Dockerfile as stages of plain steps.

const dockerfile = DockerfileParser.parse(fs.readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));
const argDefaults = new Map(dockerfile.getInitialARGs().map((arg) => [arg.getProperty()?.getName(), arg.getProperty()?.getValue() ?? '']));
const expand = (value) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => argDefaults.get(a ?? b) ?? '');

/** JSON form (`["node", "x"]`) of CMD, ENTRYPOINT, VOLUME, HEALTHCHECK CMD; the shell form is refused. */
function jsonArgs(content, what) {
  try {
    return JSON.parse(content);
  } catch {
    fail(`${what} must use the JSON form, got: ${content}`);
  }
}

/** A path inside the image → where this check keeps it. */
function local(stage, imagePath) {
  return path.join(stage.root, path.posix.resolve(stage.workdir, imagePath));
}

function step(stage, keyword, content, flags, instruction) {
  switch (keyword) {
    case 'WORKDIR':
      stage.workdir = path.posix.resolve(stage.workdir, content);
      fs.mkdirSync(local(stage, '.'), { recursive: true });
      return;
    case 'ENV':
      for (const property of instruction.getProperties()) stage.env[property.getName()] = property.getValue() ?? '';
      return;
    case 'COPY':
      return copy(stage, instruction.getArguments().map((argument) => argument.getValue()), flags.from);
    case 'RUN':
      return run(stage, content);
    case 'VOLUME':
      stage.volumes.push(...jsonArgs(content, 'VOLUME'));
      return;
    case 'EXPOSE':
      stage.expose.push(...content.split(/\s+/));
      return;
    case 'USER':
      stage.user = content;
      return;
    case 'HEALTHCHECK':
      stage.healthcheck = { command: jsonArgs(content.replace(/^CMD\s+/, ''), 'HEALTHCHECK'), flags };
      return;
    case 'CMD':
      stage.cmd = jsonArgs(content, 'CMD');
      return;
    case 'ENTRYPOINT':
      stage.entrypoint = jsonArgs(content, 'ENTRYPOINT'); // tini: not run here
      return;
    case 'ARG':
    case 'LABEL':
    case 'STOPSIGNAL':
      return;
    default:
      fail(`${keyword} is not simulated by this check; extend scripts/check-image-steps.mjs`);
  }
}

// ---------------------------------------------------------------------------------------------
// COPY, with Docker's rules: a folder's contents are copied, files go into a destination that
// ends in "/" (or into the named file). From the context, .dockerignore applies.

const ignoreRules = fs
  .readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((pattern) => {
    if (pattern.startsWith('!')) fail(`.dockerignore: exceptions (${pattern}) are not supported by this check`);
    const source = pattern
      .replace(/^\/+|\/+$/g, '')
      .split('/')
      .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
      .join('/')
      .replace(/\.\*\//g, '(?:.*/)?');
    return new RegExp(`^${source}(?:/|$)`);
  });
const ignored = (relative) => ignoreRules.some((rule) => rule.test(relative));

function copy(stage, words, fromStage) {
  const dest = words.pop();
  const source = fromStage ? stages.find((candidate) => candidate.name === fromStage) : null;
  if (fromStage && !source) fail(`COPY --from=${fromStage}: no such stage`);
  const intoFolder = dest.endsWith('/') || words.length > 1;
  for (const word of words) {
    const from = source ? local(source, word) : path.join(REPO, word);
    if (!fs.existsSync(from)) fail(`COPY ${word}: not found${source ? ` in stage ${source.name}` : ' in the build context'}`);
    if (!source && word !== '.' && ignored(path.relative(REPO, from))) fail(`COPY ${word}: excluded by .dockerignore`);
    const isFolder = fs.statSync(from).isDirectory();
    const to = intoFolder && !isFolder ? path.join(local(stage, dest), path.basename(from)) : local(stage, dest);
    fs.mkdirSync(isFolder ? to : path.dirname(to), { recursive: true });
    fs.cpSync(from, to, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (file) => source !== null || file === from || !ignored(path.relative(REPO, file)),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// RUN: apt-get lines are checked, the build stage's other commands run as written.

function aptPackagesOf(command) {
  const packages = [];
  for (const match of command.matchAll(/apt-get install ((?:[^&\\]|\\\s)+)/g)) {
    for (const word of match[1].split(/[\s\\]+/)) if (word && !word.startsWith('-')) packages.push(word);
  }
  return packages;
}

function run(stage, command) {
  if (/apt-get install/.test(command)) {
    const packages = aptPackagesOf(command);
    stage.apt.push(...packages);
    const isBuild = stage === stages[0];
    const missing = packages.filter((pkg) =>
      isBuild
        ? spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout !== 'install ok installed'
        : spawnSync('apt-cache', ['show', '--no-all-versions', pkg], { stdio: 'ignore' }).status !== 0,
    );
    if (missing.length && isBuild) fail(`build-stage packages not installed here: apt-get install -y ${missing.join(' ')}`);
    if (missing.length) fail(`runtime packages unknown to this Debian (run apt-get update?): ${missing.join(' ')}`);
    ok(`${stage.name}: ${packages.length} Debian packages ${isBuild ? 'installed' : 'available'}`);
    return;
  }
  if (stage !== stages[0]) return prepareFolders(stage, command);
  say(`${stage.name}: RUN ${command}`);
  const started = Date.now();
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: local(stage, '.'), stdio: 'inherit', env: { ...process.env, ...stage.env } });
  if (result.status !== 0) fail(`${stage.name}: RUN ${command} exited with ${result.status ?? result.signal}`);
  ok(`${stage.name}: RUN ${command.split('&&')[0].trim()}… (${Math.round((Date.now() - started) / 1000)} s)`);
}

/** The runtime stage may only create its volume folders and give them to the app's user. */
function prepareFolders(stage, command) {
  const match = /^mkdir -p ((?:\/[\w/.-]+\s*)+)&& chown [\w-]+(?::[\w-]+)? ((?:\/[\w/.-]+\s*)+)$/.exec(command.trim());
  if (!match) fail(`runtime RUN is not simulated by this check: ${command}`);
  for (const folder of match[1].trim().split(/\s+/)) fs.mkdirSync(local(stage, folder), { recursive: true });
  stage.chowned.push(...match[2].trim().split(/\s+/));
}

// ---------------------------------------------------------------------------------------------
// Every stage, step by step.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'counsel-image-'));
/** The server under test, killed on any exit, before its folders are removed. */
let started = null;
process.once('exit', () => {
  if (started?.exitCode === null) started.kill('SIGKILL');
  if (keep) return say(`kept ${root}`);
  try {
    fs.rmSync(root, { recursive: true, force: true });
  } catch (error) {
    say(`could not remove ${root}: ${error.message}`);
  }
});
const stages = [];
for (const instruction of dockerfile.getInstructions()) {
  const keyword = instruction.getKeyword();
  const content = instruction.getArgumentsContent() ?? '';
  if (keyword === 'ARG' && stages.length === 0) continue;
  if (keyword === 'FROM') {
    const [image, , name] = instruction.getArguments().map((argument) => expand(argument.getValue()));
    const stage = { name: name ?? String(stages.length), image, workdir: '/', env: {}, apt: [], volumes: [], chowned: [], expose: [], user: 'root', cmd: null, healthcheck: null };
    stage.root = path.join(root, stage.name);
    fs.mkdirSync(stage.root, { recursive: true });
    stages.push(stage);
    continue;
  }
  const stage = stages.at(-1);
  if (!stage) fail(`${keyword} before FROM`);
  const flags = Object.fromEntries((instruction.getFlags?.() ?? []).map((flag) => [flag.getName(), flag.getValue()]));
  step(stage, keyword, content, flags, instruction);
}

// ---------------------------------------------------------------------------------------------
// The runtime stage, started.

const runtime = stages.at(-1);
if (stages.length < 2 || !runtime.cmd || !runtime.healthcheck) fail('the Dockerfile needs a build and a runtime stage, CMD and HEALTHCHECK');

/** ENV values that name paths inside the image (under WORKDIR or a VOLUME) point into the copy. */
const mappedEnv = Object.fromEntries(
  Object.entries(runtime.env).map(([name, value]) =>
    [runtime.workdir, ...runtime.volumes].some((prefix) => value === prefix || value.startsWith(`${prefix}/`)) ? [name, local(runtime, value)] : [name, value],
  ),
);

checkWorkerLibraries();

function checkWorkerLibraries() {
  const worker = mappedEnv.MEDIASOUP_WORKER_BIN;
  if (!worker || !fs.existsSync(worker)) fail(`MEDIASOUP_WORKER_BIN (${runtime.env.MEDIASOUP_WORKER_BIN}) is not in the runtime stage`);
  const libraries = execFileSync('ldd', [worker], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\S+) => (\S+|not found)/.exec(line))
    .filter(Boolean);
  const notFound = libraries.filter((m) => m[2] === 'not found').map((m) => m[1]);
  if (notFound.length) fail(`the worker's libraries are not found: ${notFound.join(', ')}`);
  const owners = new Map();
  for (const [, name, file] of libraries) {
    const candidates = [file, fs.realpathSync(file), file.replace(/^\/lib/, '/usr/lib'), fs.realpathSync(file).replace(/^\/lib/, '/usr/lib')];
    const owner = candidates.map((candidate) => spawnSync('dpkg', ['-S', candidate], { encoding: 'utf8' })).find((r) => r.status === 0);
    if (!owner) fail(`no Debian package owns ${file} (${name})`);
    owners.set(name, owner.stdout.split(':')[0]);
  }
  // apt-get also installs what the named packages depend on (libsrtp2-1 brings NSS, for one).
  const closure = execFileSync('apt-cache', ['depends', '--recurse', '--important', ...runtime.apt], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.startsWith(' ') && !line.startsWith('<'));
  const provided = new Set([...closure, ...BASE_IMAGE_PACKAGES]);
  const missing = [...owners].filter(([, pkg]) => !provided.has(pkg));
  if (missing.length) fail(`the runtime stage lacks the packages of ${missing.map(([lib, pkg]) => `${lib} (${pkg})`).join(', ')}`);
  ok(`the worker's ${owners.size} shared libraries come from the runtime packages (with their dependencies) or the base image`);
}

function freePort(preferred) {
  if (preferred) return Promise.resolve(Number(preferred));
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** An unprivileged user, as USER is in the image; root runs it as nobody. */
function asAppUser() {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }));
  // Like the image: the app's files belong to root and can be read by all, the volumes belong to the user.
  fs.chmodSync(root, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', runtime.root]);
  for (const folder of [...runtime.chowned, '/home/app']) {
    fs.mkdirSync(local(runtime, folder), { recursive: true });
    fs.chownSync(local(runtime, folder), uid, gid);
  }
  return { uid, gid };
}

const user = asAppUser();
const port = await freePort(option('--port'));
const sfuPort = Number(option('--sfu-port') ?? 20_000 + Math.floor(Math.random() * 20_000));
const serverEnv = {
  PATH: process.env.PATH,
  HOME: local(runtime, '/home/app'),
  ...mappedEnv,
  PORT: String(port),
  SFU_PORT: String(sfuPort),
  // The operator's part (compose.yaml requires it).
  SFU_ANNOUNCED_IP: '127.0.0.1',
};
const node = (command) => command.map((word, i) => (i === 0 && word === 'node' ? process.execPath : word));
const inApp = { cwd: local(runtime, runtime.workdir), env: serverEnv, ...user };

say(`starting CMD ${runtime.cmd.join(' ')} as ${user.uid === undefined ? os.userInfo().username : 'nobody'} on port ${port} (image user: ${runtime.user})`);
const [exe, ...exeArgs] = node(runtime.cmd);
const server = spawn(exe, exeArgs, { ...inApp, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
server.stdout.on('data', (chunk) => (output += chunk));
server.stderr.on('data', (chunk) => (output += chunk));
const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve(code ?? signal)));
started = server;

await waitHealthy();
checkLog();
await checkAdminCli();
server.kill('SIGTERM');
const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('time-out'), 20_000))]);
if (code !== 0) fail(`SIGTERM: the server ended with ${code}\n${output.slice(-4000)}`);
ok('SIGTERM ends the server with exit code 0');
console.log(`check-image-steps: ${passed} passed, 0 failed`);

/** Docker marks the container unhealthy after the start period plus `retries` failed probes. */
async function waitHealthy() {
  const seconds = (flag, fallback) => Number(/^(\d+)s$/.exec(runtime.healthcheck.flags[flag] ?? '')?.[1] ?? fallback);
  const allowed = seconds('start-period', 0) + seconds('interval', 30) * Number(runtime.healthcheck.flags.retries ?? 3);
  const begin = Date.now();
  const [hcExe, ...hcArgs] = node(runtime.healthcheck.command);
  while (Date.now() - begin < allowed * 1000) {
    if (server.exitCode !== null) fail(`the server exited with ${server.exitCode} before it was healthy:\n${output.slice(-4000)}`);
    if (spawnSync(hcExe, hcArgs, { ...inApp, stdio: 'ignore', timeout: seconds('timeout', 30) * 1000 }).status === 0) {
      ok(`HEALTHCHECK passes ${((Date.now() - begin) / 1000).toFixed(1)} s after the start (start period ${seconds('start-period', 0)} s)`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  fail(`HEALTHCHECK did not pass within ${allowed} s, when Docker would call the container unhealthy:\n${output.slice(-4000)}`);
}

function checkLog() {
  const lines = output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const errors = lines.filter((line) => line.level >= 50);
  if (errors.length) fail(`the server logged errors:\n${errors.map((line) => JSON.stringify(line)).join('\n')}`);
  if (!lines.some((line) => line.msg === 'SFU started')) fail(`the SFU did not start from ${runtime.env.MEDIASOUP_WORKER_BIN}:\n${output.slice(-4000)}`);
  ok(`the SFU started ${runtime.env.SFU_WORKERS} worker(s) from ${runtime.env.MEDIASOUP_WORKER_BIN}, no errors logged`);
}

/** What the README tells operators: `docker exec … npm run -s admin -- …`, through the running server. */
async function checkAdminCli() {
  const npm = spawnSync('npm', ['run', '-s', 'admin', '--', 'create-topic', '--name', 'Image check', '--print', 'id'], { ...inApp, encoding: 'utf8', timeout: 120_000 });
  if (npm.status !== 0 || !/^[0-9a-f-]{36}$/.test(npm.stdout.trim())) fail(`npm run admin in the runtime stage: ${npm.status}\n${npm.stdout}${npm.stderr}`);
  const response = await fetch(`http://127.0.0.1:${port}/v1/topics`);
  const { topics } = await response.json();
  if (!topics.some((topic) => topic.name === 'Image check')) fail('the topic created by npm run admin is not served');
  ok('npm run admin works in the runtime stage, through the running server');
}
