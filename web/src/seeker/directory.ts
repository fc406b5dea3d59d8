import { PublicDirectory } from '@counsel/client-sdk/browser';
import { baseUrl } from '../session/session.tsx';

let directory: PublicDirectory | null = null;

/**
 * The public directory (topics, agencies, links) needs no account, so a visitor can find help
 * before anything is created for them. One instance serves every page.
 */
export function publicDirectory(): PublicDirectory {
  directory ??= new PublicDirectory(baseUrl());
  return directory;
}
