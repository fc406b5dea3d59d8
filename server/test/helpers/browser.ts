import { existsSync } from 'node:fs';
import { videoAvailability } from '../../../sfu/src/index.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with nothing phoning home (this machine has no other network). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** Why browser video tests cannot run here, or null. With REQUIRE_VIDEO=1 a missing prerequisite fails. */
export function browserVideoMissing(): string | null {
  if (!videoAvailability().available) return `video unavailable: ${videoAvailability().reason}`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`;
  return null;
}
