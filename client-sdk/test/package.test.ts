import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sdk = path.join(root, 'client-sdk');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const manifest = JSON.parse(readFileSync(path.join(sdk, 'package.json'), 'utf8')) as {
  name: string;
  type: string;
  files: string[];
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

/** The build of `npm run build:sdk`, written into a scratch folder inside the repository (so Node finds node_modules). */
describe('the client SDK as a package', () => {
  let out: string;
  /** Maps a `./dist/…` path of package.json into the scratch build. */
  const built = (distPath: string) => path.join(out, path.relative('./dist', distPath));

  beforeAll(() => {
    mkdirSync(path.join(root, '.cache'), { recursive: true });
    out = mkdtempSync(path.join(root, '.cache', 'sdk-build-'));
    execFileSync(process.execPath, [tsc, '-p', path.join(sdk, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
  });
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('should declare an ESM package with the three entries, types first, shipping dist only', () => {
    expect(manifest.name).toBe('@counsel/client-sdk');
    expect(manifest.type).toBe('module');
    expect(manifest.files).toEqual(['dist']);
    expect(Object.keys(manifest.exports)).toEqual(['.', './browser', './contract']);
    for (const entry of Object.values(manifest.exports)) {
      expect(Object.keys(entry)).toEqual(['types', 'default']);
      expect(existsSync(built(entry.types)), entry.types).toBe(true);
      expect(existsSync(built(entry.default)), entry.default).toBe(true);
    }
  });

  it('should emit a declaration beside every module', () => {
    const js = filesUnder(out).filter((file) => file.endsWith('.js'));
    expect(js.length).toBeGreaterThan(20);
    for (const file of js) expect(existsSync(file.replace(/\.js$/, '.d.ts')), file).toBe(true);
  });

  it('should import only its own .js files and its declared dependencies, never the server', () => {
    const allowed = new Set(Object.keys(manifest.dependencies));
    for (const file of filesUnder(out)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/server\/|sfu\//);
      const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1] as string);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          // JavaScript must name what Node loads; declarations may keep the source's .ts names.
          if (file.endsWith('.js')) expect(specifier, `${file}: ${specifier}`).toMatch(/\.js$/);
          continue;
        }
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);
        expect(allowed.has(name) || allowed.has(`@types/${name}`), `${file}: ${specifier}`).toBe(true);
      }
    }
  });

  it('should load in plain Node (outside vitest) with the public classes', () => {
    const script = `
      const sdk = await import(${JSON.stringify(pathToFileURL(built(manifest.exports['.']!.default)).href)});
      const contract = await import(${JSON.stringify(pathToFileURL(built(manifest.exports['./contract']!.default)).href)});
      console.log(JSON.stringify({ sdk: Object.keys(sdk), contract: Object.keys(contract) }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const names = JSON.parse(output) as { sdk: string[]; contract: string[] };
    expect(names.sdk).toEqual(expect.arrayContaining(['CounselClient', 'PublicDirectory', 'ApiError', 'CryptoError', 'LiveSession']));
    expect(names.contract).toEqual(expect.arrayContaining(['ThreadSummary', 'ClientFrame', 'ServerFrame', 'MessageView', 'ErrorBody']));
  });

  it('should type-check a consumer against the declarations alone (no allowImportingTsExtensions, no skipLibCheck)', () => {
    const consumer = path.join(out, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      path.join(consumer, 'main.ts'),
      [
        "import { CounselClient, PublicDirectory, type DecryptedMessage, type ThreadSummary, type RealtimeEvent } from '../index.js';",
        "import { VideoCall, type SavedSession } from '../browser.js';",
        "import { ThreadSummary as ThreadSummarySchema } from '../contract/index.js';",
        'export const values = [CounselClient.resumeWithCode, PublicDirectory, VideoCall, ThreadSummarySchema];',
        'export type Types = [DecryptedMessage, ThreadSummary, RealtimeEvent, SavedSession];',
      ].join('\n'),
    );
    writeFileSync(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, lib: ['ES2022', 'DOM'], types: [] },
        files: ['main.ts'],
      }),
    );
    execFileSync(process.execPath, [tsc, '-p', path.join(consumer, 'tsconfig.json')], { cwd: root, stdio: 'pipe' });
  });
});
