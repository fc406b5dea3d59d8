import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

/**
 * The rules the Dockerfile and compose.yaml must keep; Docker is not available here. That the
 * build steps work is checked by running them: `node scripts/check-image-steps.mjs` (CI runs it).
 */

const REPO = path.resolve(import.meta.dirname, '../../..');
const dockerfile = DockerfileParser.parse(readFileSync(path.join(REPO, 'Dockerfile'), 'utf8'));

/** The instructions of each stage, FROM first. */
function stages(): Instruction[][] {
  const result: Instruction[][] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') result.push([]);
    result.at(-1)?.push(instruction);
  }
  return result;
}

const all = stages();
const buildStage = all[0] ?? [];
const runtimeStage = all.at(-1) ?? [];
const of = (stage: Instruction[], keyword: string) => stage.filter((instruction) => instruction.getKeyword() === keyword);
const text = (instruction: Instruction) => instruction.getArgumentsContent() ?? '';

/** ENV of a stage as a map; later lines win, as in Docker. */
function envOf(stage: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const instruction of of(stage, 'ENV')) {
    for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) {
      env.set(property.getName(), property.getValue() ?? '');
    }
  }
  return env;
}

/** The packages of the `apt-get install` commands in a stage. */
function aptPackages(stage: Instruction[]): Set<string> {
  const packages = new Set<string>();
  for (const run of of(stage, 'RUN')) {
    for (const match of text(run).matchAll(/apt-get install ((?:[^&\\]|\\\s)+)/g)) {
      for (const word of (match[1] ?? '').split(/[\s\\]+/)) if (word && !word.startsWith('-')) packages.add(word);
    }
  }
  return packages;
}

/** Every port an EXPOSE or a compose `ports` entry names, per protocol ("40000-40001/udp" gives two). */
function portsOf(specs: string[]): { tcp: number[]; udp: number[] } {
  const ports = { tcp: [] as number[], udp: [] as number[] };
  for (const spec of specs) {
    const [range = '', protocol = 'tcp'] = spec.split('/');
    const [first = NaN, last = first] = range.split('-').map(Number);
    for (let port = first; port <= last; port++) ports[protocol as 'tcp' | 'udp'].push(port);
  }
  return ports;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|CREDENTIAL|PRIVATE|_KEY$/i;

describe('Dockerfile', () => {
  it('should build in one stage and run in another, on a maintained Node LTS over Debian 12', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const stage of all) {
      const image = stage[0]?.getExpandedArguments()[0]?.getValue() ?? '';
      const match = /^node:(\d+)-bookworm-slim$/.exec(image);
      expect(match, image).not.toBeNull();
      const major = Number(match?.[1]);
      // Even majors become LTS; 20 reached its end of life in April 2026.
      expect(major % 2 === 0 && major >= 22, image).toBe(true);
    }
  });

  it('should install every Debian package the worker build needs, meson included, in the build stage', () => {
    const needed = execFileSync(process.execPath, [path.join(REPO, 'sfu/worker/build-worker.mjs'), '--apt-packages'], { encoding: 'utf8' }).trim().split(' ');
    expect(needed).toContain('meson');
    expect([...aptPackages(buildStage)]).toEqual(expect.arrayContaining(needed));
    expect(buildStage.map(text).join('\n')).toContain('sfu/worker/build-worker.mjs');
  });

  it('should install npm dependencies without running their install scripts', () => {
    const installs = all.flat().filter((instruction) => instruction.getKeyword() === 'RUN' && /\bnpm (ci|install|i)\b/.test(text(instruction)));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(text(install)).toContain('--ignore-scripts');
  });

  it('should run the compiled server with plain node, as a user other than root', () => {
    const cmd = of(runtimeStage, 'CMD').at(-1)?.getArguments().map((argument) => argument.getValue().replace(/^\[?"|",?\]?$|"\]$/g, '')) ?? [];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe('dist/server/src/server.js');
    expect(runtimeStage.map(text).join('\n')).not.toMatch(/\btsx\b/);
    const user = text(of(runtimeStage, 'USER').at(-1) ?? runtimeStage[0]!).split(':')[0];
    expect(user).not.toMatch(/^(root|0|)$/);
  });

  it('should have a HEALTHCHECK that probes /livez with a script the image contains', () => {
    const healthcheck = of(runtimeStage, 'HEALTHCHECK').at(-1);
    expect(healthcheck).toBeDefined();
    const command = JSON.parse(text(healthcheck!).replace(/^CMD\s+/, '')) as string[];
    const script = command.find((word) => word.endsWith('.mjs')) ?? '';
    expect(readFileSync(path.join(REPO, script), 'utf8')).toMatch(/\/livez|\/readyz/);
    expect(of(runtimeStage, 'COPY').map(text).join('\n')).toContain(script);
  });

  it('should declare each VOLUME after the commands that prepare its folder', () => {
    const volumes = of(runtimeStage, 'VOLUME');
    expect(volumes.length).toBeGreaterThan(0);
    for (const volume of volumes) {
      const folders = JSON.parse(text(volume)) as string[];
      const at = runtimeStage.indexOf(volume);
      for (const folder of folders) {
        const touching = runtimeStage.filter((instruction) => ['RUN', 'COPY', 'ADD'].includes(instruction.getKeyword()) && text(instruction).includes(folder));
        expect(touching.some((instruction) => /chown/.test(text(instruction))), folder).toBe(true);
        for (const instruction of touching) expect(runtimeStage.indexOf(instruction), `${instruction.getKeyword()} ${text(instruction)}`).toBeLessThan(at);
      }
    }
  });

  it('should expose the HTTP port and one media port per SFU worker, UDP and TCP', () => {
    const env = envOf(runtimeStage);
    const workers = Number(env.get('SFU_WORKERS'));
    const sfuPort = Number(env.get('SFU_PORT'));
    expect(workers).toBeGreaterThanOrEqual(1);
    const exposed = portsOf(of(runtimeStage, 'EXPOSE').flatMap((expose) => text(expose).split(/\s+/)));
    expect(exposed.tcp).toContain(Number(env.get('PORT')));
    expect(exposed.udp).toEqual(range(sfuPort, workers));
    expect(exposed.tcp.filter((port) => port !== Number(env.get('PORT')))).toEqual(range(sfuPort, workers));
  });

  it('should set nothing secret, and leave SFU_ANNOUNCED_IP to the operator', () => {
    const names = [...all.flatMap((stage) => [...envOf(stage).keys()]), ...dockerfile.getInitialARGs().map((arg) => arg.getProperty()?.getName() ?? '')];
    expect(names.filter((name) => SECRET_NAME.test(name) || name === 'DATABASE_URL')).toEqual([]);
    expect(names).not.toContain('SFU_ANNOUNCED_IP');
  });
});

describe('compose.yaml', () => {
  interface Service {
    image?: string;
    build?: unknown;
    environment?: Record<string, string>;
    ports?: string[];
    volumes?: string[];
    depends_on?: Record<string, { condition: string }>;
    command?: string[];
  }
  const compose = parseYaml(readFileSync(path.join(REPO, 'compose.yaml'), 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const app = compose.services.app;

  it('should be valid against the Compose Specification schema', () => {
    const schema = JSON.parse(readFileSync(path.join(REPO, 'scripts/vendor/compose-spec.json'), 'utf8')) as { $schema: string };
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema names draft-07 by its https address; Ajv knows the same meta-schema under http.
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // It does reject: a misspelt key, and a health check that is no command.
    expect(validate({ services: { app: { imagee: 'counsel' } } })).toBe(false);
    expect(validate({ services: { app: { image: 'counsel', healthcheck: { test: 42 } } } })).toBe(false);
  });

  it('should run the app from this Dockerfile with Postgres, Redis and coturn, the database on a volume', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'coturn', 'postgres', 'redis']);
    expect(app?.build).toBe('.');
    expect(app?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    const dataVolume = compose.services.postgres?.volumes?.[0]?.split(':')[0] ?? '';
    expect(Object.keys(compose.volumes ?? {})).toContain(dataVolume);
    expect(app?.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(app?.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(existsSync(path.join(REPO, 'Dockerfile'))).toBe(true);
  });

  it('should publish one media port per SFU worker and require the announced IP', () => {
    const env = app?.environment ?? {};
    const published = portsOf((app?.ports ?? []).map((entry) => entry.split(':').at(-1) ?? ''));
    const workers = Number(env.SFU_WORKERS);
    expect(published.udp).toEqual(range(Number(env.SFU_PORT), workers));
    expect(published.tcp.filter((port) => port !== 3000)).toEqual(range(Number(env.SFU_PORT), workers));
    expect(env.SFU_ANNOUNCED_IP).toMatch(/^\$\{SFU_ANNOUNCED_IP:\?.+\}$/);
  });

  it('should take every secret from the operator\'s environment, never from the file', () => {
    for (const [service, definition] of Object.entries(compose.services)) {
      for (const [name, value] of Object.entries(definition.environment ?? {})) {
        if (SECRET_NAME.test(name)) expect(String(value), `${service}.${name}`).toMatch(/^\$\{[A-Z_]+:[?-].*\}$/);
      }
    }
    expect(app?.environment?.SERVER_SECRET).toMatch(/^\$\{SERVER_SECRET:\?/);
    expect(app?.environment?.DATABASE_URL).toMatch(/\$\{POSTGRES_PASSWORD:\?/);
    for (const argument of compose.services.coturn?.command ?? []) {
      if (argument.startsWith('--user=')) expect(argument).toMatch(/:\$\{TURN_PASSWORD:\?/);
    }
  });
});
