import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outDir = path.join(here, 'dist');

/**
 * The SDK's frame-encryption worker is a classic (IIFE) script that a call loads from the page's
 * own origin; the CSP allows workers only from there. It is bundled by the SDK's own build.
 */
function e2eeWorker(): Plugin {
  return {
    name: 'counsel-e2ee-worker',
    apply: 'build',
    async closeBundle() {
      const { buildBrowserBundles } = (await import(path.join(root, 'client-sdk/build-browser.mjs'))) as {
        buildBrowserBundles(outDir: string): Promise<{ worker: string }>;
      };
      const scratch = mkdtempSync(path.join(tmpdir(), 'counsel-worker-'));
      try {
        const { worker } = await buildBrowserBundles(scratch);
        copyFileSync(worker, path.join(outDir, 'e2ee-worker.js'));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

export default defineConfig({
  root: here,
  publicDir: path.join(here, 'src/public'),
  // The app imports the SDK's public browser entry only, as a package would be imported.
  resolve: {
    alias: {
      '@counsel/client-sdk/browser': path.join(root, 'client-sdk/src/browser.ts'),
    },
  },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir,
    emptyOutDir: true,
    // libsodium initialises with a top-level await.
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
  },
  plugins: [e2eeWorker()],
  server: { proxy: { '/v1': { target: 'http://localhost:3000', ws: true } } },
});
