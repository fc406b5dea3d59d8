#!/usr/bin/env node
// Builds the mediasoup C++ worker (mediasoup-worker) offline, against the
// system libraries of the host (Debian 12 packages), instead of letting
// mediasoup's postinstall download a prebuilt binary or fetch its meson
// subprojects (openssl, libuv, libsrtp2, usrsctp, abseil, ...) from the
// network.
//
// Usage (from the repo root):
//   node sfu/worker/build-worker.mjs            build (or reuse cached) worker
//   node sfu/worker/build-worker.mjs --check    is the cached worker usable?
//   node sfu/worker/build-worker.mjs --force    rebuild even if cached
//   node sfu/worker/build-worker.mjs --check-prereqs   only check build prerequisites
//   node sfu/worker/build-worker.mjs --apt-packages    print the Debian packages the build needs
//
// Other flags: --jobs N, --verbose (stream meson/ninja output too),
// --keep-build (keep the copied sources and meson build dir after success),
// --no-pip (never pip-install meson / use the pip-installed copy).
// Env: MESON (meson command to use), NINJA, CC, CXX, PKG_CONFIG, PYTHON,
// XDG_CACHE_HOME (where the worker is cached, default ~/.cache).
//
// The worker is cached per mediasoup version in the user's cache folder,
// ${XDG_CACHE_HOME:-~/.cache}/counsel/mediasoup-worker/<version>/, outside the
// clone, so a new clone or a reinstall does not compile it again.
//
// Output: progress lines "[build:sfu] ..." go to stderr; meson/ninja output
// (hundreds of lines) goes to build.log beside the binary, and only its tail
// is shown when a step fails. On success the absolute binary path is the only
// thing printed on stdout, so `BIN=$(node sfu/worker/build-worker.mjs)` works.
//
// Exit codes:
//   0  worker built / cached and runnable (--check: usable)
//   1  build failed, or --check and the worker is not usable
//   2  prerequisites missing (message names them and the apt-get command)
//   3  another build of the same version is running (lock held)
//   64 bad command line
//
// See sfu/worker/README.md for the approach. Only node builtins are used.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');
const SHIMS_DIR = path.join(HERE, 'shims');
const MEDIASOUP_DIR = path.join(REPO_ROOT, 'node_modules', 'mediasoup');
/**
 * The user's cache folder, not the clone: every clone and reinstall of the same mediasoup
 * version shares one build. Keep in step with workerCacheBinary() in sfu/src/worker-binary.ts.
 */
export const CACHE_ROOT = path.join(
	process.env.XDG_CACHE_HOME || path.join(process.env.HOME || os.homedir(), '.cache'),
	'counsel',
	'mediasoup-worker',
);
/** Where clones built the worker before it moved to CACHE_ROOT; a usable binary there is copied over. */
const LEGACY_CACHE_ROOT = path.join(REPO_ROOT, '.cache', 'mediasoup-worker');

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_PREREQ = 2;
const EXIT_LOCKED = 3;
const EXIT_USAGE = 64;

/** Lines of a failed step's output shown on stderr; the whole output is in build.log. */
const FAILURE_TAIL_LINES = 40;

// Exit code mediasoup-worker uses when started without MEDIASOUP_VERSION
// ("you don't seem to be my real father!"), see worker/src/main.cpp.
const WORKER_NOT_MY_FATHER_EXIT = 41;

/** Measured: see the "SFU worker" paragraph of README.md. Only said up front, so nobody waits blind. */
const BUILD_MINUTES_ON_TWO_CORES = '7-9';

const MIN_MESON = [1, 1, 0]; // what worker/meson.build asks for
const MIN_LEGACY_MESON = [0, 63, 0]; // oldest meson we patch the build for

const PREFIX = '[build:sfu]';
let verbose = false;
let logStream = null;

function log(msg = '') {
	for (const line of String(msg).split('\n')) process.stderr.write(`${PREFIX} ${line}\n`);
	logStream?.write(`${PREFIX} ${msg}\n`);
}

// --------------------------------------------------------------------------
// Paths / version helpers (exported for smoke.mjs and server code).

export function mediasoupVersion() {
	const pkgFile = path.join(MEDIASOUP_DIR, 'package.json');
	if (!fs.existsSync(pkgFile)) return null;
	return JSON.parse(fs.readFileSync(pkgFile, 'utf8')).version;
}

export function workerCacheDir(version = mediasoupVersion()) {
	return path.join(CACHE_ROOT, version);
}

export function workerBinaryPath(version = mediasoupVersion()) {
	return path.join(workerCacheDir(version), 'mediasoup-worker');
}

/**
 * Checks that the binary exists and actually starts (dynamic libraries
 * resolve). Started without MEDIASOUP_VERSION the worker exits right away
 * with code 41, which proves the loader was happy.
 */
export function probeWorker(bin) {
	if (!fs.existsSync(bin)) return { ok: false, reason: `${bin} does not exist` };
	const env = { ...process.env };
	delete env.MEDIASOUP_VERSION;
	const r = spawnSync(bin, [], { env, encoding: 'utf8', timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'] });
	if (r.error) return { ok: false, reason: `cannot execute ${bin}: ${r.error.message}` };
	if (r.status === WORKER_NOT_MY_FATHER_EXIT) return { ok: true };
	const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
	return {
		ok: false,
		reason: `${bin} exited with ${r.status ?? r.signal} (expected ${WORKER_NOT_MY_FATHER_EXIT})${out ? `: ${out}` : ''}`,
	};
}

// --------------------------------------------------------------------------
// Small process helpers.

function capture(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, ...opts });
	return {
		ok: !r.error && r.status === 0,
		status: r.status,
		stdout: (r.stdout ?? '').trim(),
		stderr: (r.stderr ?? '').trim(),
		error: r.error,
	};
}

function which(cmd) {
	if (!cmd) return null;
	if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : null;
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const p = path.join(dir, cmd);
		try {
			fs.accessSync(p, fs.constants.X_OK);
			if (fs.statSync(p).isFile()) return p;
		} catch {
			/* not here */
		}
	}
	return null;
}

/**
 * Runs a command; its output goes to the log (and to stderr only with --verbose). `onLine`
 * sees each output line, for progress. Resolves with the last lines, to show on failure.
 */
function run(cmd, args, { onLine, ...opts } = {}) {
	logStream?.write(`$ ${[cmd, ...args].join(' ')}\n`);
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		const tail = [];
		let partial = '';
		const onData = (chunk) => {
			if (verbose) process.stderr.write(chunk);
			logStream?.write(chunk);
			const lines = (partial + chunk.toString()).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) {
				onLine?.(line);
				// ninja's "[12/167] Compiling …" status lines would crowd the error out of the tail.
				if (NINJA_STATUS_LINE.test(line)) continue;
				tail.push(line);
				if (tail.length > FAILURE_TAIL_LINES) tail.shift();
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const lastLines = () => (partial ? [...tail, partial] : tail).slice(-FAILURE_TAIL_LINES).join('\n');
		child.on('error', (err) => resolve({ ok: false, status: null, tail: err.message }));
		child.on('close', (status, signal) => resolve({ ok: status === 0, status: status ?? signal, tail: lastLines() }));
	});
}

const NINJA_STATUS_LINE = /^\[(\d+)\/(\d+)\]/;

/** Shows a failed step's last output lines (unless already streamed) and where the whole log is. */
function reportFailure(step, result, logFile) {
	if (!verbose && result.tail) {
		log(`${step} output (last lines, without progress):`);
		process.stderr.write(`${result.tail}\n`);
	}
	log(`${step} failed (exit ${result.status}); full log: ${logFile}`);
}

/** "[build:sfu] compiling: 84/167 (50%), 3m05s" at every tenth of ninja's steps, instead of one line per object. */
function ninjaProgress(t0) {
	let shownTenth = -1;
	return (line) => {
		const m = NINJA_STATUS_LINE.exec(line);
		if (!m) return;
		const [done, total] = [Number(m[1]), Number(m[2])];
		const tenth = Math.floor((done * 10) / total);
		if (tenth === shownTenth) return;
		shownTenth = tenth;
		log(`compiling: ${done}/${total} (${Math.floor((done * 100) / total)}%), ${minutes(Date.now() - t0)}`);
	};
}

const minutes = (ms) => {
	const seconds = Math.round(ms / 1000);
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
};

function parseVersion(text) {
	const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
	return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

function versionAtLeast(v, min) {
	for (let i = 0; i < 3; i++) {
		if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
	}
	return true;
}

const vstr = (v) => v.join('.');

// --------------------------------------------------------------------------
// Prerequisites.

// What the shims in ./shims need from pkg-config, and the Debian package.
const PKGCONFIG_PREREQS = [
	{ modules: ['libuv'], min: '1.44.0', apt: 'libuv1-dev', what: 'libuv' },
	{ modules: ['libssl', 'libcrypto'], min: '3.0.0', apt: 'libssl-dev', what: 'OpenSSL' },
	{ modules: ['libsrtp2'], min: '2.4.0', apt: 'libsrtp2-dev', what: 'libsrtp2' },
	{ modules: ['usrsctp'], min: '0.9.5', apt: 'libusrsctp-dev', what: 'usrsctp' },
	{
		modules: [
			'absl_flat_hash_map',
			'absl_flat_hash_set',
			'absl_btree',
			'absl_inlined_vector',
			'absl_memory',
			'absl_strings',
			'absl_optional',
			'absl_variant',
			'absl_span',
		],
		apt: 'libabsl-dev',
		what: 'Abseil',
	},
];

// Headers the worker includes, checked by preprocessing with the C++ compiler
// (with the cflags pkg-config reports, plus the srtp2 include dir the shim adds).
const HEADER_PREREQS = [
	{ header: 'uv.h', modules: ['libuv'], apt: 'libuv1-dev' },
	{ header: 'openssl/ssl.h', modules: ['libssl'], apt: 'libssl-dev' },
	{ header: 'srtp.h', modules: ['libsrtp2'], srtp2Dir: true, apt: 'libsrtp2-dev' },
	{ header: 'usrsctp.h', modules: ['usrsctp'], apt: 'libusrsctp-dev' },
	{ header: 'absl/container/flat_hash_map.h', modules: ['absl_flat_hash_map'], apt: 'libabsl-dev' },
	{ header: 'nlohmann/json.hpp', modules: ['nlohmann_json'], optionalModules: true, apt: 'nlohmann-json3-dev' },
];

const ALL_APT_PACKAGES = [
	'g++',
	'pkg-config',
	'ninja-build',
	'meson',
	'python3',
	'libuv1-dev',
	'libssl-dev',
	'libsrtp2-dev',
	'libusrsctp-dev',
	'libabsl-dev',
	'nlohmann-json3-dev',
];

function findTool(envVar, candidates) {
	if (process.env[envVar]) {
		// May contain args (e.g. CXX="ccache g++"); check the first word.
		const first = process.env[envVar].trim().split(/\s+/)[0];
		return which(first) ? process.env[envVar] : null;
	}
	for (const c of candidates) if (which(c)) return c;
	return null;
}

function findPython() {
	for (const c of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
		const r = capture(c, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
		if (r.ok) {
			const v = parseVersion(r.stdout);
			if (v && v[0] === 3 && v[1] >= 7) return c;
		}
	}
	return null;
}

function mesonVersionOf(cmd, env = process.env) {
	const [exe, ...args] = cmd;
	const r = capture(exe, [...args, '--version'], { env });
	return r.ok ? parseVersion(r.stdout) : null;
}

function localMesonDir() {
	return path.join(CACHE_ROOT, 'tools', 'meson');
}

/**
 * Finds a usable meson. Order:
 *   1. `$MESON`, used as given
 *   2. `meson` on PATH >= 1.1
 *   3. `python3 -m mesonbuild.mesonmain` >= 1.1 (pip-installed in the interpreter)
 *   4. meson previously pip-installed by this script into <cache>/tools/meson
 *   5. an older meson on PATH (Debian 12's `meson` package is 1.0.1) -> legacy mode: the build
 *      copy of meson.build gets its `meson_version` requirement relaxed (3.12.16 builds so)
 *   6. (only if allowPip and not --no-pip) `pip install --target <cache>/tools/meson meson>=1.1`,
 *      last because it needs the Python package index, which offline machines cannot reach
 */
async function resolveMeson(python, { allowPip, noPip }) {
	if (process.env.MESON) {
		// Explicit choice: use it as is (legacy mode if older than MIN_MESON).
		const cmd = process.env.MESON.trim().split(/\s+/);
		const v = mesonVersionOf(cmd);
		if (!v || !versionAtLeast(v, MIN_LEGACY_MESON)) return null;
		const legacy = !versionAtLeast(v, MIN_MESON);
		return { cmd, env: {}, version: v, legacy, route: `$MESON (${cmd.join(' ')})${legacy ? ' in legacy mode: meson_version requirement relaxed in the build copy' : ''}` };
	}
	const pathMesonCmd = which('meson') ? ['meson'] : null;
	const pathMesonVersion = pathMesonCmd ? mesonVersionOf(pathMesonCmd) : null;
	if (pathMesonVersion && versionAtLeast(pathMesonVersion, MIN_MESON)) {
		return { cmd: pathMesonCmd, env: {}, version: pathMesonVersion, route: `${which('meson')} from PATH` };
	}

	const moduleCmd = python ? [python, '-m', 'mesonbuild.mesonmain'] : null;
	const dir = localMesonDir();
	const localEnv = { PYTHONPATH: [dir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
	const tryLocal = () => {
		if (!moduleCmd || !fs.existsSync(path.join(dir, 'mesonbuild'))) return null;
		const lv = mesonVersionOf(moduleCmd, { ...process.env, ...localEnv });
		return lv && versionAtLeast(lv, MIN_MESON) ? { cmd: moduleCmd, env: localEnv, version: lv, route: `pip-installed meson in ${dir}` } : null;
	};
	if (moduleCmd) {
		const v = mesonVersionOf(moduleCmd);
		if (v && versionAtLeast(v, MIN_MESON)) {
			return { cmd: moduleCmd, env: {}, version: v, route: `${python} -m mesonbuild.mesonmain (installed in the Python environment)` };
		}
		const local = noPip ? null : tryLocal();
		if (local) return local;
	}

	if (pathMesonVersion && versionAtLeast(pathMesonVersion, MIN_LEGACY_MESON)) {
		return {
			cmd: pathMesonCmd,
			env: {},
			version: pathMesonVersion,
			legacy: true,
			route: `${which('meson')} from PATH in legacy mode (older than ${vstr(MIN_MESON)}: meson_version requirement relaxed in the build copy)`,
		};
	}

	if (moduleCmd && allowPip && !noPip && capture(python, ['-m', 'pip', '--version']).ok) {
		log(`no meson found; trying: ${python} -m pip install --target ${dir} "meson>=${vstr(MIN_MESON)}"`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		const r = await run(
			python,
			['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-warn-script-location', '--retries', '1', '--target', dir, `meson>=${vstr(MIN_MESON)}`],
			{ env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
		);
		const installed = r.ok ? tryLocal() : null;
		if (installed) return installed;
		log('pip install of meson failed (no package index reachable?); install Debian\'s meson: apt-get install meson');
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return null;
}

function pkgConfigCflags(pkgConfig, modules) {
	const r = capture(pkgConfig, ['--cflags', ...modules]);
	return r.ok ? r.stdout.split(/\s+/).filter(Boolean) : [];
}

function headerCompiles(cxx, header, cflags) {
	const [exe, ...pre] = cxx.trim().split(/\s+/);
	const r = capture(exe, [...pre, '-std=c++17', '-x', 'c++', '-E', '-o', os.devNull, ...cflags, '-'], {
		input: `#include <${header}>\n`,
	});
	return r.ok;
}

async function checkPrerequisites({ noPip }) {
	const missing = []; // { what, apt }
	const found = {};

	let cxx = findTool('CXX', ['c++', 'g++', 'clang++']);
	if (!cxx) missing.push({ what: 'a C++17 compiler (c++/g++/clang++, or set CXX)', apt: 'g++' });
	else if (!headerCompiles(cxx, 'optional', [])) {
		missing.push({ what: `C++ compiler '${cxx}' cannot preprocess a C++17 <optional> include`, apt: 'g++' });
		cxx = null; // header checks below would only repeat this failure
	}
	const cc = findTool('CC', ['cc', 'gcc', 'clang']);
	if (!cc) missing.push({ what: 'a C compiler (cc/gcc/clang, or set CC)', apt: 'gcc' });
	found.cxx = cxx;

	const ninja = findTool('NINJA', ['ninja', 'samu']);
	if (!ninja) missing.push({ what: 'ninja (or set NINJA)', apt: 'ninja-build' });
	else found.ninja = ninja;

	const pkgConfig = findTool('PKG_CONFIG', ['pkg-config', 'pkgconf']);
	if (!pkgConfig) {
		missing.push({ what: 'pkg-config (needed to locate the system libraries)', apt: 'pkg-config' });
		// Cannot verify the libraries without it: list them all.
		for (const p of PKGCONFIG_PREREQS) missing.push({ what: `${p.what} development files (not checked: no pkg-config)`, apt: p.apt });
		missing.push({ what: 'nlohmann/json.hpp (not checked: no pkg-config)', apt: 'nlohmann-json3-dev' });
	} else {
		found.pkgConfig = pkgConfig;
		found.libs = {};
		for (const p of PKGCONFIG_PREREQS) {
			const notFound = [];
			for (const mod of p.modules) {
				const r = capture(pkgConfig, ['--modversion', mod]);
				if (!r.ok) {
					notFound.push(mod);
					continue;
				}
				found.libs[mod] = r.stdout;
				const have = parseVersion(r.stdout);
				const min = p.min ? parseVersion(p.min) : null;
				if (min && have && !versionAtLeast(have, min)) {
					missing.push({ what: `${p.what}: '${mod}' is ${r.stdout}, need >= ${p.min}`, apt: p.apt });
				}
			}
			if (notFound.length) {
				const s = notFound.length > 1 ? 's' : '';
				missing.push({
					what: `${p.what}${p.min ? ` >= ${p.min}` : ''}: pkg-config module${s} ${notFound.map((m) => `'${m}'`).join(', ')} not found`,
					apt: p.apt,
				});
			}
		}
		if (cxx) {
			for (const h of HEADER_PREREQS) {
				const modsOk = h.modules.every((m) => capture(pkgConfig, ['--exists', m]).ok);
				if (!modsOk && !h.optionalModules) continue; // already reported above
				const cflags = modsOk ? pkgConfigCflags(pkgConfig, h.modules) : [];
				if (h.srtp2Dir) {
					const inc = capture(pkgConfig, ['--variable=includedir', ...h.modules]).stdout || '/usr/include';
					cflags.push(`-I${path.join(inc, 'srtp2')}`);
				}
				if (!headerCompiles(cxx, h.header, cflags)) {
					missing.push({ what: `header <${h.header}> not found by ${cxx}`, apt: h.apt });
				}
			}
		}
	}

	const python = findPython();
	found.python = python;
	// Resolve meson without installing anything first; pip-install only if
	// meson is the sole thing missing (no point otherwise).
	let meson = await resolveMeson(python, { allowPip: false, noPip });
	if (!meson && missing.length === 0) meson = await resolveMeson(python, { allowPip: true, noPip });
	if (!meson) {
		if (!python) missing.push({ what: 'python3 (needed to run meson)', apt: 'python3' });
		if (process.env.MESON) missing.push({ what: `$MESON=${process.env.MESON} does not run or is older than ${vstr(MIN_LEGACY_MESON)}`, apt: 'meson' });
		else missing.push({
			what: `meson >= ${vstr(MIN_MESON)} (or Debian's meson >= ${vstr(MIN_LEGACY_MESON)}); ` +
				`alternatively: ${python ?? 'python3'} -m pip install "meson>=${vstr(MIN_MESON)}"`,
			apt: 'meson',
		});
	}
	found.meson = meson;
	return { missing, found };
}

function reportMissing(missing, version) {
	const pkgs = [...new Set(missing.map((m) => m.apt))];
	const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? 'sudo ' : '';
	log(`cannot build mediasoup-worker ${version}: missing prerequisites:`);
	for (const m of missing) log(`  - ${m.what}  [apt package: ${m.apt}]`);
	log('install them with:');
	log(`  ${sudo}apt-get update && ${sudo}apt-get install -y ${pkgs.join(' ')}`);
	log(`(complete list of build packages: ${ALL_APT_PACKAGES.join(' ')})`);
	log('or use an upstream prebuilt worker instead: see sfu/worker/README.md (MEDIASOUP_WORKER_BIN).');
}

// --------------------------------------------------------------------------
// Locking (one build per version at a time).

function acquireLock(lockDir) {
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			return true;
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
			let pid = NaN;
			try {
				pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* half-written lock */
			}
			let alive = false;
			if (Number.isInteger(pid) && pid > 0) {
				try {
					process.kill(pid, 0);
					alive = true;
				} catch (e) {
					alive = e.code === 'EPERM';
				}
			}
			if (alive) return false;
			log(`removing stale lock ${lockDir} (pid ${Number.isNaN(pid) ? '?' : pid} is gone)`);
			fs.rmSync(lockDir, { recursive: true, force: true });
		}
	}
	return false;
}

// --------------------------------------------------------------------------
// Build.

/**
 * Clones built the worker into their own .cache/ before it moved to the user's cache folder:
 * a usable binary there is copied over once, so updating such a clone does not compile again.
 */
function adoptLegacyBuild(version, bin) {
	const legacyDir = path.join(LEGACY_CACHE_ROOT, version);
	const legacyBin = path.join(legacyDir, 'mediasoup-worker');
	if (legacyDir === path.dirname(bin) || probeWorker(bin).ok || !probeWorker(legacyBin).ok) return;
	fs.mkdirSync(path.dirname(bin), { recursive: true });
	const tmp = `${bin}.tmp-${process.pid}`;
	fs.copyFileSync(legacyBin, tmp);
	fs.chmodSync(tmp, 0o755);
	fs.renameSync(tmp, bin);
	for (const extra of ['build-info.json', 'build.log']) {
		if (fs.existsSync(path.join(legacyDir, extra))) fs.copyFileSync(path.join(legacyDir, extra), path.join(path.dirname(bin), extra));
	}
	log(`copied the worker this clone built before into the shared cache: ${bin}`);
}

function prepareSources(srcDir, { legacyMeson }) {
	const workerSrc = path.join(MEDIASOUP_DIR, 'worker');
	fs.rmSync(srcDir, { recursive: true, force: true });
	fs.mkdirSync(path.dirname(srcDir), { recursive: true });
	fs.cpSync(workerSrc, srcDir, {
		recursive: true,
		filter: (src) => {
			const rel = path.relative(workerSrc, src);
			if (rel === 'out' || rel.startsWith(`out${path.sep}`)) return false; // previous builds
			if (rel === 'prebuild' || rel.startsWith(`prebuild${path.sep}`)) return false;
			// Keep only the .wrap files of subprojects/ (no downloaded/extracted deps).
			if (rel.startsWith(`subprojects${path.sep}`)) {
				const rest = rel.slice('subprojects'.length + 1);
				return !rest.includes(path.sep) && rest.endsWith('.wrap');
			}
			return true;
		},
	});

	// Replace each wrap with its shim. Without the .wrap file, subproject('x')
	// resolves to subprojects/x, so the shim directory is named after the
	// subproject (not after the wrap's `directory =`).
	const subDir = path.join(srcDir, 'subprojects');
	fs.mkdirSync(subDir, { recursive: true });
	const shims = fs.readdirSync(SHIMS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
	for (const name of shims) {
		fs.rmSync(path.join(subDir, `${name}.wrap`), { force: true });
		fs.cpSync(path.join(SHIMS_DIR, name), path.join(subDir, name), { recursive: true });
	}

	// Sanity: every subproject() the worker calls on this platform must be shimmed.
	const mesonFiles = [path.join(srcDir, 'meson.build'), path.join(srcDir, 'deps', 'libwebrtc', 'meson.build')];
	const wanted = new Set();
	for (const f of mesonFiles) {
		const text = fs.readFileSync(f, 'utf8');
		for (const m of text.matchAll(/subproject\(\s*'([^']+)'/g)) wanted.add(m[1]);
	}
	wanted.delete('wingetopt'); // Windows only
	const unshimmed = [...wanted].filter((n) => !shims.includes(n));
	if (unshimmed.length) {
		throw new Error(`worker meson.build uses subprojects without a shim in ${SHIMS_DIR}: ${unshimmed.join(', ')}`);
	}

	if (legacyMeson) {
		const mb = path.join(srcDir, 'meson.build');
		const text = fs.readFileSync(mb, 'utf8');
		const patched = text.replace(/meson_version\s*:\s*'[^']*'/, `meson_version: '>= ${vstr(MIN_LEGACY_MESON)}'`);
		if (patched === text) throw new Error('could not relax meson_version in the build copy of meson.build');
		fs.writeFileSync(mb, patched);
		log(`relaxed meson_version requirement in ${mb} (legacy meson)`);
	}
	return shims;
}

async function build({ version, cacheDir, bin, jobs, keepBuild, found }) {
	const srcDir = path.join(cacheDir, 'src');
	const buildDir = path.join(cacheDir, 'build');
	const logFile = path.join(cacheDir, 'build.log');
	fs.mkdirSync(cacheDir, { recursive: true });
	logStream = fs.createWriteStream(logFile, { flags: 'w' });
	const t0 = Date.now();

	const { meson } = found;
	log(`meson: ${vstr(meson.version)} via ${meson.route}`);
	log(`ninja: ${found.ninja}, C++ compiler: ${found.cxx}`);
	log(`compiler output goes to the log: ${logFile}`);

	log(`copying node_modules/mediasoup/worker -> ${srcDir}`);
	const shims = prepareSources(srcDir, { legacyMeson: Boolean(meson.legacy) });
	log(`subprojects replaced by system-library shims: ${shims.join(', ')}`);

	fs.rmSync(buildDir, { recursive: true, force: true });
	const env = { ...process.env, ...meson.env, PYTHONDONTWRITEBYTECODE: '1' };
	if (!env.NINJA && found.ninja) env.NINJA = which(found.ninja) ?? found.ninja;

	const [mesonExe, ...mesonPre] = meson.cmd;
	log('meson setup (release, --wrap-mode=nodownload)');
	const setup = await run(
		mesonExe,
		[
			...mesonPre,
			'setup',
			buildDir,
			srcDir,
			'--buildtype=release',
			'-Db_ndebug=true',
			'-Db_pie=true',
			'-Db_staticpic=true',
			'--wrap-mode=nodownload',
		],
		{ env },
	);
	if (!setup.ok) {
		reportFailure('meson setup', setup, logFile);
		return EXIT_FAIL;
	}

	log(`compiling target mediasoup-worker with ${jobs} job(s)`);
	const compile = await run(env.NINJA ?? 'ninja', ['-C', buildDir, '-j', String(jobs), 'mediasoup-worker'], {
		env,
		onLine: ninjaProgress(t0),
	});
	if (!compile.ok) {
		reportFailure('compilation', compile, logFile);
		log(`sources and build dir kept for inspection in ${cacheDir}`);
		return EXIT_FAIL;
	}

	const built = path.join(buildDir, 'mediasoup-worker');
	const tmp = `${bin}.tmp-${process.pid}`;
	fs.copyFileSync(built, tmp);
	fs.chmodSync(tmp, 0o755);
	const probe = probeWorker(tmp);
	if (!probe.ok) {
		fs.rmSync(tmp, { force: true });
		log(`built binary does not run: ${probe.reason}`);
		return EXIT_FAIL;
	}
	fs.renameSync(tmp, bin);

	const seconds = Math.round((Date.now() - t0) / 1000);
	fs.writeFileSync(
		path.join(cacheDir, 'build-info.json'),
		`${JSON.stringify(
			{
				mediasoupVersion: version,
				builtAt: new Date().toISOString(),
				buildSeconds: seconds,
				meson: { version: vstr(meson.version), route: meson.route },
				ninja: found.ninja,
				cxx: found.cxx,
				systemLibraries: found.libs,
				shims,
			},
			null,
			2,
		)}\n`,
	);
	if (!keepBuild) {
		fs.rmSync(buildDir, { recursive: true, force: true });
		fs.rmSync(srcDir, { recursive: true, force: true });
	}
	log(`built mediasoup-worker ${version} in ${minutes(seconds * 1000)}`);
	return EXIT_OK;
}

// --------------------------------------------------------------------------
// CLI.

function parseArgs(argv) {
	const opts = { check: false, checkPrereqs: false, force: false, verbose: false, keepBuild: false, noPip: false, jobs: null, help: false };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--check') opts.check = true;
		else if (a === '--check-prereqs') opts.checkPrereqs = true;
		else if (a === '--force') opts.force = true;
		else if (a === '--verbose' || a === '-v') opts.verbose = true;
		else if (a === '--quiet' || a === '-q') opts.verbose = false; // the default now; kept for old scripts
		else if (a === '--keep-build') opts.keepBuild = true;
		else if (a === '--no-pip') opts.noPip = true;
		else if (a === '--help' || a === '-h') opts.help = true;
		else if (a === '--apt-packages') opts.aptPackages = true;
		else if (a === '--jobs' || a === '-j' || a.startsWith('--jobs=')) {
			const v = a.startsWith('--jobs=') ? a.slice(7) : argv[++i];
			const n = Number(v);
			if (!Number.isInteger(n) || n < 1) throw new Error(`invalid --jobs value: ${v}`);
			opts.jobs = n;
		} else throw new Error(`unknown argument: ${a}`);
	}
	return opts;
}

async function main(argv) {
	let opts;
	try {
		opts = parseArgs(argv);
	} catch (err) {
		log(err.message);
		log('usage: node sfu/worker/build-worker.mjs [--check | --check-prereqs] [--force] [--jobs N] [--verbose] [--keep-build] [--no-pip] [--apt-packages]');
		return EXIT_USAGE;
	}
	if (opts.help) {
		process.stderr.write(
			'usage: node sfu/worker/build-worker.mjs [--check | --check-prereqs] [--force] [--jobs N] [--verbose] [--keep-build] [--no-pip] [--apt-packages]\n' +
				'Builds node_modules/mediasoup\'s C++ worker offline against system libraries.\n' +
				'See sfu/worker/README.md.\n',
		);
		return EXIT_OK;
	}
	verbose = opts.verbose;
	if (opts.aptPackages) {
		// For .ci/run and the Dockerfile check: one list of the Debian packages the build needs.
		process.stdout.write(`${ALL_APT_PACKAGES.join(' ')}\n`);
		return EXIT_OK;
	}

	const version = mediasoupVersion();
	if (!version) {
		log(`mediasoup is not installed (${path.join(MEDIASOUP_DIR, 'package.json')} missing); run npm install first.`);
		return EXIT_FAIL;
	}
	const cacheDir = workerCacheDir(version);
	const bin = workerBinaryPath(version);

	if (!opts.force && !opts.checkPrereqs) adoptLegacyBuild(version, bin);

	if (opts.check) {
		const probe = probeWorker(bin);
		if (probe.ok) {
			log(`mediasoup-worker ${version} is built and runs`);
			process.stdout.write(`${bin}\n`);
			return EXIT_OK;
		}
		log(`mediasoup-worker ${version} not usable: ${probe.reason}`);
		log('build it with: node sfu/worker/build-worker.mjs');
		return EXIT_FAIL;
	}

	if (!opts.force && !opts.checkPrereqs) {
		const probe = probeWorker(bin);
		if (probe.ok) {
			log(`using cached mediasoup-worker ${version}: ${bin}`);
			process.stdout.write(`${bin}\n`);
			return EXIT_OK;
		}
		if (fs.existsSync(bin)) log(`cached binary is not usable (${probe.reason}); rebuilding`);
	}

	if (!opts.checkPrereqs) {
		log(`building mediasoup-worker ${version} against the system libraries, once per mediasoup version:`);
		log(`about ${BUILD_MINUTES_ON_TWO_CORES} minutes on 2 idle cores; cached in ${cacheDir}`);
	}
	log('checking prerequisites');
	const { missing, found } = await checkPrerequisites({ noPip: opts.noPip });
	if (missing.length) {
		reportMissing(missing, version);
		return EXIT_PREREQ;
	}
	if (opts.checkPrereqs) {
		log(`prerequisites OK; meson ${vstr(found.meson.version)} via ${found.meson.route}`);
		return EXIT_OK;
	}
	log(
		`found: ${Object.entries(found.libs)
			.filter(([m]) => !m.startsWith('absl_') || m === 'absl_strings')
			.map(([m, v]) => `${m} ${v}`)
			.join(', ')}`,
	);

	const lockDir = `${cacheDir}.lock`;
	if (!acquireLock(lockDir)) {
		log(`another build of mediasoup-worker ${version} is running (lock ${lockDir}); retry when it finishes`);
		return EXIT_LOCKED;
	}
	const releaseLock = () => fs.rmSync(lockDir, { recursive: true, force: true });
	process.once('exit', releaseLock);
	for (const sig of ['SIGINT', 'SIGTERM']) {
		process.once(sig, () => {
			releaseLock();
			process.exit(130);
		});
	}

	const jobs = opts.jobs ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
	let code;
	try {
		code = await build({ version, cacheDir, bin, jobs, keepBuild: opts.keepBuild, found });
	} catch (err) {
		log(`build error: ${err.stack ?? err}`);
		code = EXIT_FAIL;
	} finally {
		releaseLock();
		await new Promise((r) => (logStream ? logStream.end(r) : r()));
		logStream = null;
	}
	if (code === EXIT_OK) {
		log(`mediasoup-worker ready: ${bin}`);
		process.stdout.write(`${bin}\n`);
	}
	return code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(err) => {
			log(`unexpected error: ${err.stack ?? err}`);
			process.exit(EXIT_FAIL);
		},
	);
}
