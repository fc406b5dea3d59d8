import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The first folder at or above `start` that holds a package.json. This file runs from two
 * depths, `server/src/common/` (tsx) and `dist/server/src/common/` (the production build, whose
 * dist/ holds no package.json), so a fixed `../..` would be right for only one of them.
 */
export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${start}`);
  }
}

/** The repository in development, the app folder in the image: where `web/dist` lives. */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
