import type { ThreadDetail } from '@counsel/client-sdk/browser';
/** Placeholder: being built. */
export function CaseActions(_props: { detail: ThreadDetail; onChanged(): void }) {
  return null;
}
